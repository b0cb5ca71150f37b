"""`import minikeras` stays quick: the large parts (ops, saving, preprocessing, datasets) load when first used."""
import subprocess
import sys


def _modules_after(code):
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_import_minikeras_leaves_the_large_parts_unloaded():
    loaded = _modules_after("import minikeras")
    for lazy in ("minikeras.ops", "minikeras.saving", "minikeras.datasets", "h5py"):
        assert lazy not in loaded, f"{lazy} is imported by `import minikeras`"


def test_the_ctc_loss_loads_ops_when_used():
    loaded = _modules_after("import numpy as np, minikeras\n"
                            "minikeras.losses.CTC()(np.array([[1, 2]]), np.zeros((1, 4, 3), 'float32'))")
    assert "minikeras.ops" in loaded
