"""Atomic file writes: write a temporary file beside the target, then rename it over the target.

A save that fails midway leaves the earlier file byte-for-byte intact (os.replace is atomic on one
file system, and the temporary file lives in the target's directory for that reason).
"""
import os
import tempfile


def write_atomically(filepath, write, overwrite=True):
    """Call `write(temporary_path)`, then move the finished file to `filepath`."""
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise ValueError(f"'{filepath}' already exists and overwrite=False.")
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"Cannot save to '{filepath}': the directory '{directory}' does not exist.")
    handle, temporary = tempfile.mkstemp(prefix="." + os.path.basename(filepath) + ".", suffix=".tmp", dir=directory)
    os.close(handle)
    _give_usual_permissions(temporary)
    try:
        write(temporary)
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _give_usual_permissions(path):
    """mkstemp makes a private (0600) file; a saved model gets the permissions any new file would."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)
