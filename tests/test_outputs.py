"""Outputs replace only regular files: `export --output`, `snapshot --out` and every atomic write refuse a
FIFO, a device, a folder where a file must go and a symbolic link, with one line naming the path and exit 2,
and leave it exactly as it was (a link keeps pointing where it did, and what it points to is unchanged)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from corridors import files, snapshot
from corridors.cli import main
from corridors.errors import OutputError, SnapshotError

AS_OF = "2020-12-31"


def state(path: Path) -> tuple:
    """What is at path, without following a link: its type, its link target or its bytes."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        return ("link", os.readlink(path))
    if stat.S_ISREG(st.st_mode):
        return ("file", path.read_bytes())
    return (stat.S_IFMT(st.st_mode), st.st_ino, st.st_rdev)


def make(kind: str, path: Path) -> str:
    """A thing of the given kind at path; returns the words the refusal must use for it."""
    if kind == "fifo":
        os.mkfifo(path)
        return "a FIFO (named pipe)"
    if kind == "device":  # the same device as /dev/null
        if os.geteuid() != 0:
            pytest.skip("creating a device node needs root")
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        return "a character device"
    if kind == "symlink":
        target = path.parent / "planner-notes.txt"
        target.write_text("the planner's own file\n", encoding="utf-8")
        os.symlink(target, path)
        return "a symbolic link"
    if kind == "dangling symlink":
        os.symlink(path.parent / "nowhere" / "x", path)
        return "a symbolic link"
    raise ValueError(kind)


KINDS = ["fifo", "device", "symlink", "dangling symlink"]


@pytest.mark.parametrize("kind", KINDS)
def test_export_refuses_what_is_not_a_regular_file(kind, tmp_path, capsys):
    out = tmp_path / "corridors.geojson"
    words = make(kind, out)
    before = {p.name: state(p) for p in tmp_path.iterdir()}
    assert main(["export", "--output", str(out), "--as-of", AS_OF]) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot write {out}: it is {words}, not a regular file; it was left as it is\n"
    assert {p.name: state(p) for p in tmp_path.iterdir()} == before


def test_export_still_replaces_a_regular_file(tmp_path):
    out = tmp_path / "corridors.geojson"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    assert main(["export", "--output", str(out), "--as-of", AS_OF]) == 0
    assert out.read_text(encoding="utf-8").startswith("{") and stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize("kind", ["fifo", "symlink"])
def test_an_atomic_write_never_replaces_what_is_not_a_regular_file(kind, tmp_path):
    path = tmp_path / "seats.csv"
    make(kind, path)
    before = {p.name: state(p) for p in tmp_path.iterdir()}
    with pytest.raises(OutputError, match=f"cannot write {path}: it is a "):
        files.write_atomic(path, "x")
    assert {p.name: state(p) for p in tmp_path.iterdir()} == before


@pytest.fixture(scope="module")
def bundle(ds):
    return snapshot.build(ds, snapshot.Request(as_of=__import__("datetime").date.fromisoformat(AS_OF)))


@pytest.mark.parametrize("kind", KINDS + ["folder"])
def test_snapshot_refuses_a_non_file_where_a_file_must_go(kind, bundle, tmp_path):
    out = tmp_path / "snapshot"
    out.mkdir()
    name = next(iter(bundle))
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    if kind == "folder":
        (out / name).mkdir()
        words = "a folder"
    else:
        words = make(kind, out / name)
    before = {p.name: state(p) for p in [*tmp_path.iterdir(), *out.iterdir()]}
    with pytest.raises(SnapshotError) as err:
        snapshot.write(bundle, out)
    assert str(err.value) == (f"cannot write the snapshot to {out}: {out / name} is {words} where a file must go; "
                              "nothing was changed")
    assert {p.name: state(p) for p in [*tmp_path.iterdir(), *out.iterdir()]} == before


def test_snapshot_out_that_is_a_fifo_is_one_line_and_exit_2(tmp_path, capsys):
    out = tmp_path / "snapshot"
    os.mkfifo(out)
    assert main(["snapshot", "--as-of", AS_OF, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot write to {out}: {out} is a FIFO (named pipe), not a folder\n"
    assert stat.S_ISFIFO(os.lstat(out).st_mode) and [p.name for p in tmp_path.iterdir()] == ["snapshot"]


def test_snapshot_out_may_be_a_link_to_a_folder(bundle, tmp_path):
    """The --out folder itself may be a symbolic link to a folder: the files are written into that folder."""
    real = tmp_path / "published"
    real.mkdir()
    link = tmp_path / "snapshot"
    os.symlink(real, link)
    snapshot.write(bundle, link)
    assert os.path.islink(link) and sorted(p.name for p in real.iterdir()) == sorted(bundle)
