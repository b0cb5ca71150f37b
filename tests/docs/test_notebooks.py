"""The notebooks: each a jupytext percent-format .py paired with its .ipynb (same cells), committed with outputs,
and each runs from top to bottom (with nbclient, when it and ipykernel are installed)."""
import json
import os
from pathlib import Path

import pytest

from dotted_names import requirement_met

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCRIPTS = sorted((ROOT / "notebooks").glob("*.py"))
_HOW_TO_SYNC = "edit one side, then `jupytext --sync notebooks/<name>.py` (see notebooks/README.md)"


def _requirements(path):
    return json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("minikeras", {}).get("requires", [])


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 6, f"expected the six teaching notebooks, found {[p.name for p in NOTEBOOKS]}"


def test_every_notebook_has_its_pair():
    notebooks, scripts = {p.stem for p in NOTEBOOKS}, {p.stem for p in SCRIPTS}
    assert notebooks == scripts, (f"unpaired: .ipynb without .py {sorted(notebooks - scripts)}, .py without .ipynb "
                                  f"{sorted(scripts - notebooks)}; {_HOW_TO_SYNC}")


def _cells(notebook):
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_script_and_notebook_have_the_same_cells(path):
    """The reviewable .py and the .ipynb readers open on GitHub say the same thing."""
    jupytext = pytest.importorskip("jupytext")
    nbformat = pytest.importorskip("nbformat")
    paired = path.with_suffix(".ipynb")
    if not paired.exists():
        pytest.skip("no .ipynb: test_every_notebook_has_its_pair says so")
    script, notebook = jupytext.read(str(path)), nbformat.read(str(paired), as_version=4)
    assert _cells(script) == _cells(notebook), f"{path.name} and {paired.name} differ; {_HOW_TO_SYNC}"
    formats = notebook.metadata.get("jupytext", {}).get("formats", "")
    assert "py:percent" in formats, f"{paired.name} is not paired with a percent-format .py; {_HOW_TO_SYNC}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_with_outputs(path):
    """Readers on GitHub see the plots without running anything."""
    if any(not requirement_met(r) for r in _requirements(path)):
        pytest.skip(f"needs {_requirements(path)}")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and all(c.get("execution_count") for c in code), f"{path.name}: run `jupyter execute --inplace notebooks/{path.name}`"
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
