"""Writing files so that a reader never sees half of one: write beside, then rename. A new file gets the
mode the umask gives any new file (0644 under the usual 022); a replaced file keeps its mode. Only a regular
file is ever replaced: a folder, FIFO, device, socket or symbolic link at the path is refused and left as it
is (a link is not written through: what it points to is not the caller's to choose)."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from .errors import OutputError


def kind(path: Path) -> str | None:
    """What is at path when it is not a regular file ('a folder', 'a FIFO (named pipe)', …), else None (a
    regular file, or nothing). The path's last part is not followed if it is a symbolic link."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):  # nothing there (the parent's checks say why, if need be)
        return None
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def check_output(path: Path) -> None:
    """Refuse a path that exists and is not a regular file (see kind), naming it; nothing is touched."""
    what = kind(path)
    if what is not None:
        raise OutputError(f"cannot write {path}: it is {what}, not a regular file; it was left as it is")


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace path with data in one rename; on any failure the old file is untouched. A path that is not a
    regular file is refused (OutputError) and left as it is."""
    path = Path(path)
    check_output(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for any new file
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        if path.exists():
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
