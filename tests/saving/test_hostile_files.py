"""Hostile files: a .keras, .weights.h5 or Keras 2 .h5 file made to exhaust memory or the stack, or to read
from outside itself, is refused with a ValueError before it can; loading draws no initial values it overwrites."""
import io
import json
import zipfile

import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L, saving


def _model(units=2):
    return mk.Sequential([mk.Input((4,)), L.Dense(3), L.Dense(units)])


def _members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_members(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _with_layer_config(path, class_name, **changes):
    """Rewrite the saved config so the first `class_name` layer has `changes` in its config."""
    members = _members(path)
    config = json.loads(members["config.json"])
    layer = next(entry for entry in config["config"]["layers"] if entry["class_name"] == class_name)
    layer["config"].update(changes)
    members["config.json"] = json.dumps(config).encode()
    _write_members(path, members)


def test_a_config_asking_for_a_huge_weight_is_refused_before_allocating(tmp_file):
    path = tmp_file("huge.keras")
    saving.save_model(mk.Sequential([mk.Input((4,)), L.Dense(10, name="wide")]), path)
    _with_layer_config(path, "Dense", units=10**12)
    # without the check this is numpy's MemoryError for ~15 TiB, not a ValueError
    with pytest.raises(ValueError, match=r"huge.keras.*'wide' \(Dense\).*\(4, 1000000000000\).*holds only"):
        saving.load_model(path)


def test_a_huge_lstm_config_is_refused_too(tmp_file):
    path = tmp_file("huge_lstm.keras")
    saving.save_model(mk.Sequential([mk.Input((5, 3)), L.LSTM(4, name="memory")]), path)
    _with_layer_config(path, "LSTM", units=10**9)
    with pytest.raises(ValueError, match=r"'memory' \(LSTM\).*holds only"):
        saving.load_model(path)


def test_a_config_that_disagrees_with_its_weights_names_the_layer(tmp_file):
    path = tmp_file("narrow.keras")
    saving.save_model(_model(units=2), path)
    second_dense = json.loads(_members(path)["config.json"])["config"]["layers"][2]["config"]["name"]
    members = _members(path)
    config = json.loads(members["config.json"])
    config["config"]["layers"][2]["config"]["units"] = 1
    members["config.json"] = json.dumps(config).encode()
    _write_members(path, members)
    with pytest.raises(ValueError, match=rf"narrow.keras.*'{second_dense}'.*\(3, 1\) in the model but \(3, 2\)"):
        saving.load_model(path)


def test_loading_draws_no_initial_values_it_would_overwrite(tmp_file):
    draws = []

    class CountingInitializer(mk.initializers.Initializer):
        def __call__(self, shape, dtype=None, rng=None):
            draws.append(shape)
            return np.full(shape, 0.5, dtype=dtype or "float32")

        def get_config(self):
            return {}

    model = mk.Sequential([mk.Input((4,)), L.Dense(3, kernel_initializer=CountingInitializer())])
    assert draws == [(4, 3)]
    path = tmp_file("counted.keras")
    saving.save_model(model, path)
    loaded = saving.load_model(path, custom_objects={"CountingInitializer": CountingInitializer})
    assert draws == [(4, 3)]            # the load drew nothing
    for saved, got in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(saved, got)
    loaded.compile(optimizer="sgd", loss="mse")
    loaded.fit(np.ones((2, 4)), np.ones((2, 3)), epochs=1, verbose=0)   # real, writeable arrays after the load
    assert not np.array_equal(loaded.get_weights()[0], model.get_weights()[0])


def test_a_weight_declared_larger_than_the_file_stores_is_refused(tmp_file):
    import h5py
    path = tmp_file("sparse.keras")
    saving.save_model(_model(), path)
    members = _members(path)
    with h5py.File(io.BytesIO(members["model.weights.h5"]), "r") as original:
        kernel_path = next(name for name in _dataset_names(original) if original[name].ndim == 2)
    buffer = io.BytesIO()
    with h5py.File(io.BytesIO(members["model.weights.h5"]), "r") as original, h5py.File(buffer, "w") as rewritten:
        for name in _dataset_names(original):
            if name == kernel_path:     # declared, never written: it would read back as fill values
                rewritten.create_dataset(name, shape=original[name].shape, dtype=original[name].dtype)
            else:
                rewritten.create_dataset(name, data=original[name][()])
    members["model.weights.h5"] = buffer.getvalue()
    _write_members(path, members)
    with pytest.raises(ValueError, match=rf"sparse.keras.*{kernel_path}.*stores only 0 bytes"):
        saving.load_model(path)


def _dataset_names(h5file):
    import h5py
    names = []
    h5file.visititems(lambda name, item: names.append(name) if isinstance(item, h5py.Dataset) else None)
    return names


def test_a_config_nested_100000_levels_deep_is_a_clear_error(tmp_file):
    path = tmp_file("deep.keras")
    saving.save_model(_model(), path)
    members = _members(path)
    members["config.json"] = b'{"a": ' * 100_000 + b"1" + b"}" * 100_000
    _write_members(path, members)
    with pytest.raises(ValueError, match="deep.keras.*malformed.*nested too deeply"):
        saving.load_model(path)


def test_a_config_deep_enough_for_the_loader_but_not_for_json_is_a_clear_error(tmp_file):
    path = tmp_file("deepish.keras")
    saving.save_model(_model(), path)
    members = _members(path)
    config = json.loads(members["config.json"])
    layer = json.dumps(config["config"]["layers"][1])
    # json reads these 900 levels; walking the config would recurse past Python's limit
    nested = '{"class_name": "Sequential", "config": {"layers": [' * 300 + layer + "]}}" * 300
    config["config"]["layers"][1] = "NESTED"
    members["config.json"] = json.dumps(config).replace('"NESTED"', nested).encode()
    _write_members(path, members)
    with pytest.raises(ValueError, match="Cannot load .*deepish.keras.*model config is malformed"):
        saving.load_model(path)


def test_model_from_json_nested_too_deeply_is_a_clear_error():
    with pytest.raises(ValueError, match="model_from_json.*nested too deeply"):
        mk.models.model_from_json("[" * 100_000 + "]" * 100_000)


def test_a_legacy_h5_config_nested_too_deeply_is_a_clear_error(tmp_file):
    import h5py
    path = tmp_file("deep.h5")
    saving.save_model(_model(), path)
    with h5py.File(path, "a") as f:
        f.attrs["model_config"] = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ValueError, match="deep.h5.*malformed.*nested too deeply"):
        saving.load_model(path)


def test_a_legacy_h5_config_asking_for_a_huge_weight_is_refused(tmp_file):
    import h5py
    path = tmp_file("huge.h5")
    saving.save_model(mk.Sequential([mk.Input((4,)), L.Dense(10, name="wide")]), path)
    with h5py.File(path, "a") as f:
        config = json.loads(f.attrs["model_config"])
        next(e for e in config["config"]["layers"] if e["class_name"] == "Dense")["config"]["units"] = 10**12
        f.attrs["model_config"] = json.dumps(config)
    with pytest.raises(ValueError, match=r"huge.h5.*'wide' \(Dense\).*holds only"):
        saving.load_model(path)


def test_a_config_json_that_would_expand_enormously_is_refused(tmp_file):
    path = tmp_file("bomb.keras")
    saving.save_model(_model(), path)
    members = _members(path)
    # valid JSON padded with 50 MB of spaces: deflate stores it in ~50 KB
    members["config.json"] = members["config.json"] + b" " * 50_000_000
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match=r"bomb.keras.*malformed.*config.json would expand"):
        saving.load_model(path)


def test_an_ordinarily_compressed_keras_file_still_loads(tmp_file):
    path = tmp_file("deflated.keras")
    model = _model()
    saving.save_model(model, path)
    members = _members(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    for saved, loaded in zip(model.get_weights(), saving.load_model(path).get_weights()):
        np.testing.assert_array_equal(saved, loaded)


def test_a_float32_file_loads_into_a_float64_model_however_large(tmp_file):
    # the weight budget counts values, not the bytes of the dtype the loading model computes in
    path = tmp_file("wide.keras")
    model = mk.Sequential([mk.Input((8,)), L.Dense(512), L.Dense(512), L.Dense(1)])
    saving.save_model(model, path, include_optimizer=False)
    previous = mk.backend.floatx()
    mk.backend.set_floatx("float64")
    try:
        loaded = saving.load_model(path)
    finally:
        mk.backend.set_floatx(previous)
    for saved, got in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(saved, got)


def test_an_initializer_written_the_keras_way_without_rng_works_in_a_layer_too():
    # the wrapper around every Initializer passes on what the caller gave, less an rng the __call__ does not take
    class HalfInitializer(mk.initializers.Initializer):     # Keras's signature: no rng
        def __call__(self, shape, dtype=None):
            return np.full(shape, 0.5, dtype=dtype or "float32")

        def get_config(self):
            return {}

    np.testing.assert_array_equal(HalfInitializer()((2, 2), "float32"), np.full((2, 2), 0.5, "float32"))
    np.testing.assert_array_equal(HalfInitializer()((2,), dtype="float64"), np.full(2, 0.5))
    model = mk.Sequential([mk.Input((4,)), L.Dense(3, kernel_initializer=HalfInitializer())])   # a layer passes rng
    np.testing.assert_array_equal(model.get_weights()[0], np.full((4, 3), 0.5, "float32"))


def _with_kernel_rewritten(path, write_kernel):
    """Rewrite a saved model's weights file, the first 2-D weight by `write_kernel(h5 file, dataset name, original)`."""
    import h5py
    members = _members(path)
    buffer = io.BytesIO()
    with h5py.File(io.BytesIO(members["model.weights.h5"]), "r") as original, h5py.File(buffer, "w") as rewritten:
        names = _dataset_names(original)
        kernel = next(name for name in names if original[name].ndim == 2)
        for name in names:
            if name == kernel:
                write_kernel(rewritten, name, original[name])
            else:
                rewritten.create_dataset(name, data=original[name][()])
    members["model.weights.h5"] = buffer.getvalue()
    _write_members(path, members)


def test_a_weight_read_from_a_file_outside_is_refused(tmp_file):
    secret = tmp_file("secret.bin")
    with open(secret, "wb") as f:
        f.write(np.arange(12, dtype="float32").tobytes())
    path = tmp_file("external.keras")
    saving.save_model(_model(), path)
    _with_kernel_rewritten(path, lambda h5, name, original: h5.create_dataset(
        name, shape=original.shape, dtype=original.dtype, external=[(secret, 0, 48)]))
    with pytest.raises(ValueError, match=r"external.keras.*reads its values from outside the file"):
        saving.load_model(path)


def test_a_weight_that_is_a_link_to_another_file_is_refused(tmp_file):
    import h5py
    other = tmp_file("other.h5")
    with h5py.File(other, "w") as f:
        f["kernel"] = np.zeros((4, 3), "float32")
    path = tmp_file("linked.keras")
    saving.save_model(_model(), path)

    def link(h5, name, original):
        h5[name] = h5py.ExternalLink(other, "kernel")
    _with_kernel_rewritten(path, link)
    with pytest.raises(ValueError, match=r"linked.keras.*is a link, not a weight array"):
        saving.load_model(path)


def test_a_compressed_optimizer_variable_that_would_expand_enormously_is_refused(tmp_file):
    import h5py
    path = tmp_file("h5bomb.weights.h5")
    model = _model()
    model.compile("adam", "mse")
    model.train_on_batch(np.ones((2, 4)), np.ones((2, 2)))
    saving.save_weights(model, path)
    with h5py.File(path, "a") as f:
        del f["optimizer/vars/0"]
        # 20 MB of zeros that gzip stores in ~20 KB
        f.create_dataset("optimizer/vars/0", data=np.zeros(5_000_000, "float32"), compression="gzip")
    with pytest.raises(ValueError, match=r"h5bomb.weights.h5.*optimizer/vars/0.*would expand"):
        saving.load_weights(model, path)


def test_weight_arrays_not_named_0_1_2_are_a_clear_error(tmp_file):
    path = tmp_file("names.keras")
    saving.save_model(_model(), path)
    _with_kernel_rewritten(path, lambda h5, name, original: h5.create_dataset(
        name.rsplit("/", 1)[0] + "/kernel", data=original[()]))
    with pytest.raises(ValueError, match=r"names.keras.*should hold arrays named 0, 1, 2"):
        saving.load_model(path)
