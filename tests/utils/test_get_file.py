"""utils.get_file fetches into Keras's cache folder, checks hashes, unpacks archives under Keras 3's names, and
says clearly what is missing. The files come from file:// URLs: no test touches the network."""
import hashlib
import os
import tarfile
import zipfile

import pytest

from minikeras.utils import get_file


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "source"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello")
    with tarfile.open(folder / "pack.tar.gz", "w:gz") as archive:
        archive.add(folder / "notes.txt", arcname="inner/notes.txt")
    with zipfile.ZipFile(folder / "pack.zip", "w") as archive:
        archive.write(folder / "notes.txt", arcname="zipped/notes.txt")
    return folder


def _url(folder, name):
    return (folder / name).as_uri()


def test_a_file_is_fetched_into_the_cache_once(source, tmp_path):
    cache = tmp_path / "cache"
    path = get_file("notes.txt", origin=_url(source, "notes.txt"), cache_dir=str(cache))
    assert path == str(cache / "datasets" / "notes.txt") and open(path).read() == "hello"
    (source / "notes.txt").write_text("changed at the source")
    assert open(get_file("notes.txt", origin=_url(source, "notes.txt"), cache_dir=str(cache))).read() == "hello"
    forced = get_file("notes.txt", origin=_url(source, "notes.txt"), cache_dir=str(cache), force_download=True)
    assert open(forced).read() == "changed at the source"


def test_the_name_comes_from_the_url_and_hashes_are_checked(source, tmp_path):
    good = hashlib.sha256(b"hello").hexdigest()
    path = get_file(origin=_url(source, "notes.txt"), cache_dir=str(tmp_path), file_hash=good)
    assert os.path.basename(path) == "notes.txt"
    with pytest.raises(ValueError, match="hash"):
        get_file("other.txt", origin=_url(source, "notes.txt"), cache_dir=str(tmp_path), md5_hash="0" * 32)
    assert not os.path.exists(os.path.join(str(tmp_path), "datasets", "other.txt"))


@pytest.mark.parametrize("archive, folder_name, inner", [("pack.tar.gz", "pack_extracted", "inner"),
                                                         ("pack.zip", "pack_extracted", "zipped")])
def test_archives_are_unpacked_where_keras_3_puts_them(source, tmp_path, archive, folder_name, inner):
    folder = get_file(archive, origin=_url(source, archive), cache_dir=str(tmp_path), extract=True)
    assert os.path.basename(folder) == folder_name
    assert open(os.path.join(folder, inner, "notes.txt")).read() == "hello"


def test_paths_as_names_and_missing_files_are_clear_errors(source, tmp_path):
    with pytest.raises(ValueError, match="cache_dir"):
        get_file(os.path.join("sub", "notes.txt"), origin=_url(source, "notes.txt"), cache_dir=str(tmp_path))
    with pytest.raises(OSError, match="put it at"):
        get_file("absent.txt", origin=_url(source, "absent.txt"), cache_dir=str(tmp_path))
