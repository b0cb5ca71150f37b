"""get_compile_config / compile_from_config, and weighted_metrics kept through a .keras file: the config is
Keras 3's (tests/fixtures/compile_config.json, made by make_compile_config_fixtures.py)."""
import json
import os

import numpy as np

import minikeras

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
with open(os.path.join(FIXTURES, "compile_config.json")) as f:
    FACTS = json.load(f)


def _compiled():
    model = minikeras.Sequential([minikeras.Input((3,)), minikeras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"],
                  weighted_metrics=["mse", minikeras.metrics.MeanAbsoluteError(name="wmae")])
    return model


def _data():
    rng = np.random.default_rng(0)
    return rng.random((8, 3)), rng.random((8, 1)), np.arange(8.0)


def test_the_compile_config_is_keras_s():
    config = _compiled().get_compile_config()
    for key in ("loss", "loss_weights", "metrics", "weighted_metrics"):
        assert config[key] == FACTS[key], key


def test_weighted_metrics_survive_the_file(tmp_path):
    model = _compiled()
    path = str(tmp_path / "weighted.keras")
    model.save(path)
    x, y, w = _data()
    loaded = minikeras.saving.load_model(path)
    assert loaded.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True) == \
        model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)


def test_compile_from_config_compiles_the_same_way():
    source = _compiled()
    target = minikeras.Sequential([minikeras.Input((3,)), minikeras.layers.Dense(1)])
    target.compile_from_config(source.get_compile_config())
    target.set_weights(source.get_weights())
    x, y, w = _data()
    assert target.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True) == \
        source.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)
