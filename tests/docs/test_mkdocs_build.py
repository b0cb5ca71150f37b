"""`mkdocs build --strict` passes whenever the docs extra is installed: no broken links or nav entries, and every
`::: minikeras.X` line of the API reference renders (mkdocstrings finds the object and its docstring parses)."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_DOCS_EXTRA = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")


def _missing(module_name):
    try:
        return importlib.util.find_spec(module_name) is None
    except ModuleNotFoundError:   # a dotted name whose parent package is absent
        return True


@pytest.mark.skipif(any(_missing(m) for m in _DOCS_EXTRA),
                    reason="the docs extra (mkdocs, mkdocs-material, mkdocstrings[python]) is not installed")
def test_mkdocs_builds_strictly(tmp_path):
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
