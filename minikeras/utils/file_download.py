"""get_file: a file from a URL, cached where Keras caches it (`~/.keras/datasets`), checked by its hash, and
unpacked when asked (.tar, .tar.gz, .zip), as Keras's text and example scripts fetch their data.
"""
import os
import tarfile
import urllib.error
import urllib.parse
import warnings
import zipfile

OWNER = "get_file"


def _files():
    """minikeras.datasets._files (cache folder, download, hashes, safe unpacking), imported when first used:
    `import minikeras` leaves the datasets unloaded."""
    from ..datasets import _files as files
    return files


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """The local path of the file at `origin`, downloaded into `cache_dir/cache_subdir` (Keras's home folder,
    `~/.keras/datasets`, by default) unless it is there already with the expected `file_hash` (or `md5_hash`).

    `fname` names the file there (by default the URL's last part); a path is refused, as in Keras 3 (use
    `cache_dir`). With `extract=True` (or Keras 2's `untar=True`) the archive is unpacked and the folder it went to
    is returned: `<name>_extracted` for a given `fname` with a dot in it, else `<name>`, as Keras 3 names it.
    Offline, a missing file is an OSError saying where to put it and where to get it.
    """
    if origin is None:
        raise ValueError(f"{OWNER}: `origin` (the URL to download from) is required.")
    folder = _cache_folder(cache_dir, cache_subdir)
    target, extraction = _locations(fname, origin, folder, extract or untar)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    expected = None if file_hash is None else (hash_algorithm, file_hash)
    if force_download or not os.path.isfile(target) or not _hash_matches(target, expected):
        _download(origin, target, expected)
    if extraction is None:
        return target
    if not _extract(target, extraction, "tar" if untar else archive_format):
        warnings.warn(f"{OWNER}: could not extract '{target}' (not a {archive_format} archive).", stacklevel=2)
    return extraction


def _cache_folder(cache_dir, cache_subdir):
    base = os.path.expanduser(os.fspath(cache_dir)) if cache_dir is not None else _files().keras_home()
    if not os.access(base, os.W_OK) and os.path.isdir(base):
        base = os.path.join("/tmp", ".keras")
    folder = os.path.join(base, cache_subdir)
    os.makedirs(folder, exist_ok=True)
    return folder


def _locations(fname, origin, folder, extracting):
    """(where the download goes, where it is extracted or None), named as Keras 3 names them."""
    given = fname is not None and os.fspath(fname) != ""
    name = os.fspath(fname) if given else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not name:
        raise ValueError(f"{OWNER}: cannot take a file name from origin '{origin}'; pass fname.")
    if os.sep in name:
        raise ValueError(f"{OWNER}: fname must be a file name, not a path (got '{name}'); to choose the folder, "
                         f"pass cache_dir.")
    if not extracting:
        return os.path.join(folder, name), None
    if given and "." in name:
        return os.path.join(folder, name), os.path.join(folder, name[:name.find(".")] + "_extracted")
    return os.path.join(folder, name + "_archive"), os.path.join(folder, name)


def _hash_matches(path, expected):
    if expected is None:
        return True
    algorithm, value = expected
    if algorithm == "auto":
        algorithm = "sha256" if len(value) == 64 else "md5"
    return _files().file_hash(path, algorithm) == value


def _download(origin, target, expected):
    print(f"Downloading data from {origin}")
    try:
        _files().download(origin, target)
    except (urllib.error.URLError, OSError) as error:
        raise OSError(f"{OWNER}: could not download '{origin}' to '{target}' ({getattr(error, 'reason', error)}). "
                      f"Download it on a machine with internet access and put it at '{target}'.") from None
    if not _hash_matches(target, expected):
        os.remove(target)
        raise ValueError(f"{OWNER}: the file downloaded from {origin} does not have the expected {expected[0]} "
                         f"hash {expected[1]}; it was removed.")


def _extract(archive, folder, archive_format):
    """Unpack `archive` into `folder` as a tar or zip (refusing members that would land outside it)."""
    kinds = ["tar", "zip"] if archive_format == "auto" else [archive_format] if archive_format else []
    if "tar" in kinds and tarfile.is_tarfile(archive):
        _files().extract_tar(OWNER, archive, folder)
        return True
    if "zip" in kinds and zipfile.is_zipfile(archive):
        root = os.path.realpath(folder)
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.namelist():
                if not os.path.realpath(os.path.join(folder, member)).startswith(root + os.sep):
                    raise ValueError(f"{OWNER}: the archive '{archive}' holds '{member}', outside its folder; "
                                     f"refusing to unpack it.")
            zipped.extractall(folder)
        return True
    return False
