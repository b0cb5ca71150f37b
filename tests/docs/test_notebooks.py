"""Every notebook in notebooks/ runs from top to bottom (with nbclient, when it and ipykernel are installed)."""
import json
import os
from pathlib import Path

import pytest

from dotted_names import requirement_met

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _requirements(path):
    return json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("minikeras", {}).get("requires", [])


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 6, f"expected the six teaching notebooks, found {[p.name for p in NOTEBOOKS]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_with_outputs(path):
    """Readers on GitHub see the plots without running anything."""
    if any(not requirement_met(r) for r in _requirements(path)):
        pytest.skip(f"needs {_requirements(path)}")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and all(c.get("execution_count") for c in code), f"{path.name}: run notebooks/_build_notebooks.py --execute"
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name} was saved with an error output: {errors[0].get('ename')}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    missing = [r for r in _requirements(path) if not requirement_met(r)]
    if missing:
        pytest.skip(f"{path.name} needs {missing}, not importable yet")
    # the kernel is a new process: it finds this checkout of minikeras through PYTHONPATH
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(str(path), as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the failing cell and its traceback, if any cell fails
