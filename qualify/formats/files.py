"""Writing a file all or nothing: to a temporary file beside the target, renamed over it when complete.

Readers of the target never see a partial file, a failed write leaves the earlier file as it was, and
the new file gets the permissions of the one it replaces (a new file: those the umask gives, as for
any file the user writes).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _mode_for(target: Path) -> int:
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` (its folder is made if need be), renamed to ``target`` when
    the block completes; removed if it fails."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.chmod(_mode_for(target))
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``: all or nothing."""
    with atomic_path(Path(path).resolve()) as temporary:
        temporary.write_bytes(data)
