"""plot_model draws the graph with graphviz where its `dot` program exists, and writes DOT text everywhere."""
import shutil

import pytest

import minikeras as K
from minikeras.utils import plot_model, model_to_dot


def _tagger():
    words = K.Input((6,), dtype="int32")
    h = K.layers.Embedding(10, 4, mask_zero=True)(words)
    forward = K.layers.LSTM(3, return_sequences=True)(h)
    backward = K.layers.LSTM(3, return_sequences=True, go_backwards=True)(h)
    merged = K.layers.Concatenate(name="merge_directions")([forward, backward])
    return K.Model(words, K.layers.TimeDistributed(K.layers.Dense(2))(merged))


def test_dot_text_has_one_box_per_layer_and_an_arrow_per_connection():
    source = model_to_dot(_tagger(), show_shapes=True)
    assert source.count("[label=") == 6
    assert source.count("->") == 6          # embedding feeds two LSTMs, both feed the concatenation
    assert "(None, 6, 4)" in source and "merge_directions: Concatenate" in source


def test_writes_dot_text_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = plot_model(_tagger(), tmp_path / "model.dot")
    assert open(path).read().startswith("digraph model {")


def test_a_picture_without_graphviz_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ImportError, match="graphviz.*model.dot"):
        plot_model(_tagger(), tmp_path / "model.png")


@pytest.mark.parametrize("bad", [{"to_file": "model.gif"}, {"rankdir": "XY"}, {"colour": "red"}])
def test_bad_arguments_are_clear_errors(tmp_path, bad):
    with pytest.raises((ValueError, TypeError)):
        plot_model(_tagger(), **{"to_file": tmp_path / "m.png", **bad})


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot program is not installed")
def test_draws_a_png_with_graphviz(tmp_path):
    path = plot_model(K.Sequential([K.Input((3,)), K.layers.Dense(2)]), tmp_path / "model.png", show_shapes=True)
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
