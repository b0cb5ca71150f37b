"""Every ```python block in docs/ runs, so the documentation cannot rot; the API pages name every public object.

(The nav, links and anchors are checked by `mkdocs build --strict`, with mkdocs.yml's `validation`:
test_mkdocs_build.py.)

Blocks of one page run in order in one namespace, from a scratch directory. An HTML comment on the line(s)
just above a block changes how it is treated:

    <!-- skip -->                       never run (the page says why)
    <!-- requires: minikeras.saving --> run only when that module (or dotted attribute) can be imported
"""
import contextlib
import importlib
import io
import os
import re
import warnings
from pathlib import Path

import pytest

from dotted_names import requirement_met, resolve

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_FENCE = re.compile(r"^```(\w*)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*(skip|requires:\s*([\w.]+))\s*-->\s*$")


def code_blocks(text):
    """[(line number, language, source, directives)] for each fenced block of a markdown page."""
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening or not opening.group(1):
            i += 1
            continue
        directives, j = [], i - 1
        while j >= 0 and (not lines[j].strip() or _DIRECTIVE.match(lines[j].strip())):
            if lines[j].strip():
                directives.append(lines[j].strip())
            j -= 1
        end = i + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        blocks.append((i + 1, opening.group(1), "\n".join(lines[i + 1:end]), directives))
        i = end + 1
    return blocks


def _unmet(directives):
    """Why a block must not run now, or None."""
    for directive in directives:
        found = _DIRECTIVE.match(directive)
        if found.group(1) == "skip":
            return "skip"
        if not requirement_met(found.group(2)):
            return f"needs {found.group(2)}"
    return None


PAGES = sorted(p for p in DOCS.rglob("*.md")) if DOCS.exists() else []


RUN_PAGES = PAGES + [ROOT / "README.md"]     # the README's example runs too


@pytest.mark.parametrize("page", RUN_PAGES, ids=[str(p.relative_to(ROOT)) for p in RUN_PAGES])
def test_python_blocks_run(page, tmp_path, monkeypatch):
    pytest.importorskip("minikeras")
    monkeypatch.chdir(tmp_path)  # pages that save files write them here
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace = {"__name__": f"docs_{page.stem}"}
    waiting = []
    for line, language, source, directives in code_blocks(page.read_text(encoding="utf-8")):
        if language != "python":
            continue
        reason = _unmet(directives)
        if reason:
            if reason != "skip":
                waiting.append(f"line {line} ({reason})")
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # Keras 1/2 spellings on the porting page warn, by design
                exec(compile(source, f"{page.relative_to(ROOT)}:{line}", "exec"), namespace)
        except Exception as error:
            raise AssertionError(f"{page.relative_to(ROOT)}, block at line {line} failed: "
                                 f"{type(error).__name__}: {error}") from error
    if waiting:
        pytest.skip(f"the other blocks ran; not yet importable: {', '.join(waiting)}")


def test_directives_are_spelled_right():
    """A misspelled directive would silently run (or skip) a block; refuse any comment that looks like one."""
    for page in PAGES:
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            text = line.strip()
            if text.startswith("<!--") and re.search(r"\b(skip|requires)\b", text):
                assert _DIRECTIVE.match(text), f"{page.relative_to(ROOT)}:{number}: unknown directive {text!r}"


def _api_names():
    """The names the API pages render with mkdocstrings (`::: minikeras.layers.Dense` lines)."""
    names = set()
    for page in (DOCS / "api").glob("*.md"):
        names.update(re.findall(r"^::: (minikeras[\w.]*)\s*$", page.read_text(encoding="utf-8"), flags=re.M))
    return names


def test_api_reference_names_exist():
    """Every name the API pages document is real, so the reference cannot describe what is gone."""
    pytest.importorskip("minikeras")
    names = _api_names()
    assert names, "docs/api/ has no `::: minikeras.X` entries"
    unresolved = sorted(n for n in names if not requirement_met(n))
    assert not unresolved, f"API pages name objects that do not exist: {unresolved}"


@pytest.mark.parametrize("module_name", ["minikeras.layers", "minikeras.optimizers", "minikeras.optimizers.schedules",
                                         "minikeras.losses", "minikeras.metrics", "minikeras.callbacks",
                                         "minikeras.utils"])
def test_api_reference_lists_every_public_name(module_name):
    """A new layer, optimizer, loss, metric or callback class, or utility, shows up in the reference."""
    pytest.importorskip("minikeras")
    import inspect
    module = importlib.import_module(module_name)
    documented = _api_names()
    documented_objects = {id(resolve(n)) for n in documented if requirement_met(n)}
    missing = []
    for name in dir(module):
        obj = getattr(module, name)
        wanted = inspect.isclass(obj) or (module_name == "minikeras.utils" and inspect.isfunction(obj))
        if name.startswith("_") or not wanted or not getattr(obj, "__module__", "").startswith("minikeras"):
            continue
        if id(obj) not in documented_objects and name not in _INTERNAL_CLASSES:
            missing.append(name)
    assert not missing, f"{module_name}: not in docs/api/ (add a `::: {module_name}.Name` line): {missing}"


_INTERNAL_CLASSES = {"LossFunctionWrapper", "CrossentropyByShape", "MeanMetricWrapper", "CallbackList", "Loss",
                     "Metric", "Callback", "Optimizer", "Progbar", "LearningRateSchedule"}


