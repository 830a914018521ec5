"""A throw-away PostgreSQL server from Debian's postgresql package, for the store tests."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager

from .browser import free_port


@contextmanager
def postgres():
    """Start a private cluster on a free localhost port (as user postgres when run as root); yield its URL."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        raise RuntimeError("PostgreSQL is not installed: run .ci/run, which installs Debian's postgresql")
    bindir = os.path.dirname(bins[-1])
    root = tempfile.mkdtemp(prefix="corridors-pg-")
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(root, "postgres")
    data, port = os.path.join(root, "data"), free_port()
    run = lambda *cmd: subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True)  # noqa: E731
    run(f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "corridors", "-E", "UTF8", "--no-sync")
    start = lambda: run(f"{bindir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(root, "log"), "-o",  # noqa: E731
                        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    start()
    _CONTROL[port] = (start, lambda: run(f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"))
    try:
        yield f"postgresql+psycopg://corridors@127.0.0.1:{port}/postgres"
    finally:
        _CONTROL.pop(port, None)
        subprocess.run([*as_user, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


_CONTROL: dict[int, tuple] = {}  # port → (start, stop) of a cluster started by postgres()


@contextmanager
def stopped(url: str):
    """The server of url (started by postgres()) stopped for the block, then started again on the same port."""
    start, stop = _CONTROL[int(url.split("@127.0.0.1:")[1].split("/")[0])]
    stop()
    try:
        yield
    finally:
        start()
