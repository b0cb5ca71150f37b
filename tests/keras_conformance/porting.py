"""Where a ported Keras test file is written, and the marks that end it.

The ported copies (`test_keras_*.py`) are generated here from an installed Keras 3 and never committed: Keras's
test code is Keras's. What is ours is the translation of their imports (the port_keras_*_tests.py scripts) and
the table at the end of each copy that says which of Keras's cases minikeras skips or expects to fail, and why:
`marks/<copy's name without test_>.py` (never imported on its own), appended to the copy as it is written.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
MARKS = os.path.join(HERE, "marks")
NO_MARKS = "mark_cases(globals(), skip={}, xfail={})\n"


def write_ported(target, lines):
    """Write the ported copy `target` (its header and translated lines), ended by its marks."""
    marks_file = os.path.join(MARKS, os.path.basename(target).replace("test_", "", 1))
    marks = NO_MARKS
    if os.path.exists(marks_file):
        with open(marks_file) as f:
            marks = f.read().split("\n", 1)[1].lstrip("\n")      # the first line says what the file is
    with open(target, "w") as f:
        f.write("\n".join(lines) + "\n\n\n" + marks)
    print("wrote", os.path.basename(target))
