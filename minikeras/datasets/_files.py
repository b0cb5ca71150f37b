"""Where dataset files live and how they arrive: Keras's cache folder, download, hash check, safe unpickling."""
import hashlib
import io
import os
import pickle
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile

import numpy as np

KERAS_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def keras_home():
    """Keras's home folder: $KERAS_HOME, else ~/.keras (/tmp/.keras when the home folder is not writable)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    return os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")


def cache_folder(cache_subdir="datasets"):
    """The folder Keras caches downloads in (created if missing)."""
    folder = os.path.join(os.path.expanduser(keras_home()), cache_subdir)
    os.makedirs(folder, exist_ok=True)
    return folder


def file_hash(path, algorithm):
    """The hex digest of the file at `path` ("sha256" or "md5")."""
    hasher = hashlib.sha256() if algorithm == "sha256" else hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def hash_matches(path, expected):
    """True when the file's hash is `expected` (64 hex digits: sha256, else md5, as Keras decides)."""
    return expected is None or file_hash(path, "sha256" if len(expected) == 64 else "md5") == expected


def download(origin, target):
    """Fetch `origin` into `target` through a temporary file (no half-written file is left behind)."""
    handle, partial = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".part")
    os.close(handle)
    try:
        with urllib.request.urlopen(origin, timeout=60) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _missing_file_error(owner, target, origin, reason):
    return OSError(f"{owner}: the dataset file '{target}' is not there and could not be downloaded ({reason}). "
                   f"Download it on a machine with internet access from {origin} and put it at '{target}' "
                   f"(or pass its location as `path`); Keras reads the same file from the same place.")


def fetch(owner, fname, origin, expected_hash=None, cache_subdir="datasets"):
    """The local path of a dataset file, as Keras's get_file finds it.

    An existing file given by an explicit path (with a folder in it) is used as it is. Otherwise the file is
    looked up in Keras's cache (`cache_folder()/fname`), checked against `expected_hash`, and downloaded from
    `origin` when missing or changed; offline, the error says which file is missing and where to get it.
    """
    fname = os.fspath(fname)
    if os.path.dirname(fname):
        if os.path.isfile(fname):
            return fname
        raise FileNotFoundError(f"{owner}: no file at path '{fname}'. Give an existing file, or a bare file name "
                                f"to use Keras's cache folder ({cache_folder(cache_subdir)}).")
    target = os.path.join(cache_folder(cache_subdir), fname)
    if os.path.isfile(target) and hash_matches(target, expected_hash):
        return target
    stale = os.path.isfile(target)
    try:
        download(origin, target)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if stale:
            reason = f"the cached file's hash is not {expected_hash}; the download failed too: {reason}"
        raise _missing_file_error(owner, target, origin, reason) from None
    if not hash_matches(target, expected_hash):
        os.remove(target)
        raise ValueError(f"{owner}: the file downloaded from {origin} does not have the expected hash "
                         f"{expected_hash}; it was removed. Try again later.")
    return target


def extract_tar(owner, archive, folder):
    """Unpack a .tar.gz into `folder`, refusing members that would land outside it."""
    root = os.path.realpath(folder)
    try:
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                destination = os.path.realpath(os.path.join(folder, member.name))
                if not destination.startswith(root + os.sep) or not (member.isfile() or member.isdir()):
                    raise ValueError(f"{owner}: the archive '{archive}' holds '{member.name}', which is not a "
                                     f"plain file inside it; refusing to unpack it.")
            # Python's "data" filter (where it exists) repeats these checks and drops odd permissions
            tar.extractall(folder, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    except tarfile.TarError as error:
        raise ValueError(f"{owner}: '{archive}' is not a readable .tar.gz archive ({error}).") from None


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays, dtypes and plain Python values only, so a tampered file cannot run code."""

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
               ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
               ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}: dataset files hold only arrays")
        return super().find_class(module, name)


def unpickle(owner, stream, path, encoding="ASCII"):
    """A pickled value from `stream` holding only numpy arrays and plain values."""
    try:
        return _NumpyOnlyUnpickler(stream, encoding=encoding).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, KeyError) as error:
        raise ValueError(f"{owner}: '{path}' is not a dataset file in Keras's format ({error}).") from None


def _read_npy(owner, stream, path):
    version = np.lib.format.read_magic(stream)
    shape, fortran_order, dtype = (np.lib.format.read_array_header_1_0(stream) if version == (1, 0)
                                   else np.lib.format.read_array_header_2_0(stream))
    if dtype.hasobject:
        # ragged sequences (lists of word indices) are stored as a pickle after the header
        return unpickle(owner, stream, path, encoding="latin1")
    count = int(np.prod(shape))
    data = np.frombuffer(stream.read(count * dtype.itemsize), dtype=dtype, count=count)
    return data.reshape(shape, order="F" if fortran_order else "C").copy()


def load_npz(owner, path, keys):
    """{key: array} for `keys` from an .npz file; object arrays are read with the numpy-only unpickler."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ValueError(f"{owner}: '{path}' is not an .npz file ({error}); expected the arrays "
                         f"{list(keys)}.") from None
    with archive:
        names = set(archive.namelist())
        missing = [key for key in keys if f"{key}.npy" not in names]
        if missing:
            raise ValueError(f"{owner}: '{path}' has no array(s) {missing}; expected the arrays {list(keys)}, "
                             f"found {sorted(n[:-4] for n in names if n.endswith('.npy'))}.")
        arrays = {}
        for key in keys:
            with archive.open(f"{key}.npy") as member:
                try:
                    arrays[key] = _read_npy(owner, io.BytesIO(member.read()), path)
                except ValueError as error:
                    if str(error).startswith(owner):
                        raise
                    raise ValueError(f"{owner}: array '{key}' in '{path}' is not readable ({error}).") from None
        return arrays
