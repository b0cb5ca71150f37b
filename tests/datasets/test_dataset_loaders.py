"""minikeras.datasets against Keras 3 (fixtures/text.json: Keras's load_data on small files of the real
formats), the cache folder Keras uses, hash checks, and clear errors offline or for a file of the wrong format.
No test touches the network: downloads are replaced by a function that fails as an offline machine does."""
import gzip
import hashlib
import json
import os
import pickle
import tarfile
import urllib.error

import numpy as np
import pytest

from minikeras.datasets import imdb, reuters, mnist, fashion_mnist, cifar10, boston_housing, _files

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
with open(os.path.join(FIXTURES, "text.json"), encoding="utf-8") as f:
    FACTS = json.load(f)["keras3_datasets"]
MODULES = {"imdb": imdb, "reuters": reuters, "boston_housing": boston_housing}


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """Keras's home in a fresh folder, and a download that fails like a machine without internet."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    attempts = []

    def no_network(origin, target):
        attempts.append(origin)
        raise urllib.error.URLError("no network in tests")
    monkeypatch.setattr(_files, "download", no_network)
    return attempts


def object_array(lists):
    array = np.empty(len(lists), dtype=object)
    array[:] = lists
    return array


def write_raw(folder, name):
    raw = FACTS["raw"][name]
    path = os.path.join(folder, f"{name}.npz")
    np.savez(path, **{k: object_array(v) if k.startswith("x") and name != "boston_housing" else np.asarray(v)
                      for k, v in raw.items()})
    return path


CASES = [(name, i) for name, results in FACTS["results"].items() for i in range(len(results))]


@pytest.mark.parametrize("name, i", CASES)
def test_load_data_matches_keras3(tmp_path, name, i):
    expected = FACTS["results"][name][i]
    (x_train, y_train), (x_test, y_test) = MODULES[name].load_data(path=write_raw(str(tmp_path), name),
                                                                  **expected["kwargs"])
    if name == "boston_housing":
        np.testing.assert_allclose(x_train, expected["x_train"])
        np.testing.assert_allclose(x_test, expected["x_test"])
    else:
        assert x_train.dtype == object and x_train.ndim == 1
        assert [list(x) for x in x_train] == expected["x_train"]
        assert [list(x) for x in x_test] == expected["x_test"]
    np.testing.assert_allclose(y_train, expected["y_train"])
    np.testing.assert_allclose(y_test, expected["y_test"])


def test_cached_file_with_the_right_hash_is_used_without_download(tmp_path, monkeypatch, offline):
    cache = _files.cache_folder()
    assert cache == os.path.join(str(tmp_path / "keras_home"), "datasets")
    path = write_raw(cache, "boston_housing")
    monkeypatch.setattr(boston_housing, "SHA256", hashlib.sha256(open(path, "rb").read()).hexdigest())
    (x_train, _), _ = boston_housing.load_data()
    assert x_train.shape[1] == 13 and offline == []


def test_cached_file_with_another_hash_is_fetched_again_and_offline_says_so(offline):
    write_raw(_files.cache_folder(), "boston_housing")
    with pytest.raises(OSError, match="hash") as error:
        boston_housing.load_data()
    assert offline == [boston_housing.ORIGIN]
    assert "boston_housing.npz" in str(error.value)


@pytest.mark.parametrize("load, file_name", [(imdb.load_data, "imdb.npz"), (reuters.load_data, "reuters.npz"),
                                             (mnist.load_data, "mnist.npz"), (imdb.get_word_index,
                                                                              "imdb_word_index.json"),
                                             (reuters.get_word_index, "reuters_word_index.json"),
                                             (fashion_mnist.load_data, "train-labels-idx1-ubyte.gz"),
                                             (cifar10.load_data, "cifar-10-batches-py-target_archive")])
def test_offline_error_names_the_file_where_to_put_it_and_where_to_get_it(load, file_name):
    with pytest.raises(OSError) as error:
        load()
    message = str(error.value)
    assert file_name in message and "https://" in message and "could not be downloaded" in message
    assert os.path.join(os.environ["KERAS_HOME"], "datasets") in message


def test_explicit_path_that_does_not_exist_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="mnist.load_data: no file at path"):
        mnist.load_data(path=str(tmp_path / "nowhere" / "mnist.npz"))


def test_mnist_reads_an_npz_as_keras_does(tmp_path):
    path = str(tmp_path / "mnist.npz")
    x = np.arange(2 * 28 * 28, dtype="uint8").reshape(2, 28, 28)
    np.savez(path, x_train=x, y_train=np.array([3, 4], "uint8"), x_test=x[:1], y_test=np.array([5], "uint8"))
    (x_train, y_train), (x_test, y_test) = mnist.load_data(path)
    np.testing.assert_array_equal(x_train, x)
    assert y_train.dtype == np.uint8 and y_test.tolist() == [5]


@pytest.mark.parametrize("content, message", [(b"not a zip", "is not an .npz file"),
                                              (None, "has no array")])
def test_a_file_of_the_wrong_format_is_a_clear_error(tmp_path, content, message):
    path = str(tmp_path / "imdb.npz")
    if content is None:
        np.savez(path, x=np.zeros(3))
    else:
        open(path, "wb").write(content)
    with pytest.raises(ValueError, match=f"imdb.load_data: .*{message}"):
        imdb.load_data(path=path)


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo hacked",))
    array = np.empty(1, dtype=object)
    array[0] = Evil()
    path = str(tmp_path / "reuters.npz")
    np.savez(path, x=array, y=np.array([1]))
    with pytest.raises(ValueError, match="refusing to load"):
        reuters.load_data(path=path)


def test_word_index_reads_json_and_refuses_other_files(tmp_path):
    path = tmp_path / "index.json"
    path.write_text(json.dumps({"the": 1, "cat": 2}))
    assert imdb.get_word_index(str(path)) == {"the": 1, "cat": 2}
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="JSON object"):
        reuters.get_word_index(str(path))
    assert reuters.get_label_names()[3] == "earn" and len(reuters.get_label_names()) == 46


def write_idx(path, header_bytes, values):
    with gzip.open(path, "wb") as f:
        f.write(bytes(header_bytes) + np.asarray(values, dtype=np.uint8).tobytes())


def test_fashion_mnist_reads_the_four_idx_files_from_keras_cache():
    folder = os.path.join(_files.cache_folder(), "fashion-mnist")
    os.makedirs(folder)
    images = np.arange(3 * 784) % 256
    write_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"), 8, [1, 2, 3])
    write_idx(os.path.join(folder, "train-images-idx3-ubyte.gz"), 16, images)
    write_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"), 8, [9])
    write_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz"), 16, images[:784])
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (3, 28, 28) and x_train.dtype == np.uint8 and y_train.tolist() == [1, 2, 3]
    np.testing.assert_array_equal(x_train.ravel(), images)
    assert x_test.shape == (1, 28, 28) and y_test.tolist() == [9]


def write_cifar_archive(path, per_batch=2):
    rng = np.random.default_rng(0)
    source = os.path.join(os.path.dirname(path), "src", "cifar-10-batches-py")
    os.makedirs(source)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {b"data": rng.integers(0, 256, size=(per_batch, 3072), dtype=np.uint8),
                 b"labels": rng.integers(0, 10, size=per_batch).tolist()}
        batches[name] = batch
        with open(os.path.join(source, name), "wb") as f:
            pickle.dump(batch, f)
    with tarfile.open(path, "w:gz") as tar:
        tar.add(source, arcname="cifar-10-batches-py")
    return batches


@pytest.mark.parametrize("archive_name", ["cifar-10-batches-py-target_archive", "cifar-10-batches-py.tar.gz"])
def test_cifar10_unpacks_keras3_or_keras2_archive_and_returns_channels_last(monkeypatch, archive_name):
    path = os.path.join(_files.cache_folder(), archive_name)
    batches = write_cifar_archive(path)
    monkeypatch.setattr(cifar10, "SHA256", hashlib.sha256(open(path, "rb").read()).hexdigest())
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and y_train.shape == (10, 1) and x_test.shape == (2, 32, 32, 3)
    first = batches["data_batch_1"][b"data"][0].reshape(3, 32, 32).transpose(1, 2, 0)
    np.testing.assert_array_equal(x_train[0], first)
    assert y_test.ravel().tolist() == batches["test_batch"][b"labels"]
    assert cifar10.load_data()[0][0].shape == (10, 32, 32, 3)   # now read from the unpacked folder


def test_keras_home_defaults_to_dot_keras(monkeypatch):
    monkeypatch.delenv("KERAS_HOME")
    assert _files.keras_home().endswith(".keras")
