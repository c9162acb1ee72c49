"""Writing outputs atomically: a temporary file in the target's folder, then a rename.

A reader never sees a half-written file, and a failed write leaves any earlier file intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import RenderError

__all__ = ["check_writable", "write_atomic"]


def check_writable(path: str) -> None:
    """Fail early, before any work, when ``path`` cannot be written."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise RenderError(f"cannot write '{path}': folder '{folder}' does not exist")
    if target.is_dir():
        raise RenderError(f"cannot write '{path}': it is a folder")
    if target.exists() and not os.access(target, os.W_OK):
        raise RenderError(f"cannot write '{path}': it is read-only")
    if not os.access(folder, os.W_OK):
        raise RenderError(f"cannot write '{path}': folder '{folder}' is not writable")


def write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once, or not at all."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent)
    except OSError as exc:
        raise RenderError(f"cannot write '{path}': {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise RenderError(f"cannot write '{path}': {exc.strerror}") from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
