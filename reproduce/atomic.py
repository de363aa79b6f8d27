"""Atomic file replacement: a reader sees the old file or the new one, never half of one.

A run may be interrupted at any moment (Ctrl-C, out of memory, a full disk).  Every file
the reproduction writes — results, figures, the checklist — therefore goes through
:func:`write_bytes_atomic`: the new content is written to a temporary file in the same
directory, flushed to disk, and moved over the target with :func:`os.replace`, which is
atomic on POSIX and Windows when source and target share a file system.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["sha256_file", "write_bytes_atomic", "write_text_atomic"]


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Replace ``path`` by ``data`` atomically; create parent directories as needed.

    Parameters
    ----------
    path : Path
        The target file.
    data : bytes
        The complete new content.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    TypeError
        If ``data`` is not bytes.

    Notes
    -----
    On any exception (including from :func:`os.replace`) the temporary file is removed and
    the exception re-raised, so the previous content of ``path`` stays intact and no
    ``*.tmp`` file is left behind.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"write_bytes_atomic() needs bytes, got {type(data).__name__}.")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.NamedTemporaryFile(mode="wb", delete=False, dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        # mkstemp creates the file 0600; give it the target's mode, or the usual 0644.
        os.chmod(tmp.name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp.name, path)
    except BaseException:
        try:
            os.unlink(tmp.name)
        except FileNotFoundError:
            pass
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Replace ``path`` by the UTF-8 encoding of ``text`` atomically (no newline translation)."""
    if not isinstance(text, str):
        raise TypeError(f"write_text_atomic() needs a str, got {type(text).__name__}.")
    return write_bytes_atomic(path, text.encode("utf-8"))


def sha256_file(path: Path) -> str:
    """The SHA-256 hex digest of the bytes of ``path``."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
