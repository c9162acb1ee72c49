"""Writing outputs atomically: a temporary file in the target's folder, then a rename.

A reader never sees a half-written file, and a failed write leaves any earlier file intact.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence, Union

from .errors import RenderError
from .lang import message, os_reason

__all__ = ["check_writable", "check_directory", "write_atomic", "write_frames"]

FRAME_FILE = re.compile(r"step-\d+-(forward|backward)\.(svg|png)")


def check_writable(path: str) -> None:
    """Fail early, before any work, when ``path`` cannot be written."""
    if path.endswith(("/", os.sep)):  # Path() would drop the slash and write the file
        raise RenderError(message("file.ends_in_slash", path=path))
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise RenderError(message("file.no_folder", path=path, folder=str(folder)))
    if target.is_dir():
        raise RenderError(message("file.is_folder", path=path))
    if target.exists() and not os.access(target, os.W_OK):
        raise RenderError(message("file.read_only", path=path))
    if not os.access(folder, os.W_OK):
        raise RenderError(message("file.folder_not_writable", path=path, folder=str(folder)))


def check_directory(path: str) -> None:
    """Fail early when frames cannot go into folder ``path`` (made if missing)."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise RenderError(message("file.steps_is_file", path=path))
    folder = target if target.is_dir() else target.parent
    if not folder.is_dir():
        raise RenderError(message("file.steps_no_folder", path=path, folder=str(folder)))
    if not os.access(folder, os.W_OK):
        raise RenderError(message("file.steps_not_writable", path=path, folder=str(folder)))


def write_frames(path: str, frames: Sequence[tuple[str, Any]]) -> None:
    """Write ``(file name, rendered)`` frames into folder ``path``: a new folder appears
    whole (made aside, then renamed); in an existing one each frame is written atomically
    and frames of an earlier, longer lesson (``step-NN-...``) are removed."""
    target = Path(path)
    if not target.exists():
        try:
            tmp = tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent)
        except OSError as exc:
            raise RenderError(message("file.cannot_write", path=path,
                                      error=os_reason(exc))) from None
        try:
            for name, rendered in frames:
                write_atomic(os.path.join(tmp, name), rendered.data)
            os.chmod(tmp, 0o777 & ~_umask())
            os.rename(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return
    names = {name for name, _ in frames}
    for name, rendered in frames:
        write_atomic(str(target / name), rendered.data)
    for old in target.iterdir():
        if old.name not in names and FRAME_FILE.fullmatch(old.name) and old.is_file():
            old.unlink()


def write_atomic(path: str, data: Union[bytes, Iterable[bytes]]) -> None:
    """Write ``data`` (bytes, or chunks of them) to ``path`` all at once, or not at all."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent)
    except OSError as exc:
        raise RenderError(message("file.cannot_write", path=path,
                                      error=os_reason(exc))) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in [data] if isinstance(data, bytes) else data:
                handle.write(chunk)
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
            raise RenderError(message("file.cannot_write", path=path,
                                      error=os_reason(exc))) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
