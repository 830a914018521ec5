"""Every program the package, the tests and the benches run by name comes from a Debian package that .ci/run
installs, so that a bare machine passes the README's test command (issue 28: two tests called pdftotext, which no
step installed, and a machine where someone had installed poppler by hand hid it).

The programs are found in the source, not listed by hand: the first word of every command given to subprocess
(a string, an f-string's last path part, or a list named by `*name`), every shutil.which() name, and every string
that is a path under /usr/bin, /usr/sbin or PostgreSQL's bin folder. Each is resolved to its file on this
machine and to the package that owns it (dpkg -S); that package, or one that depends on it, must be in
.ci/run's DEBIAN_PACKAGES, unless Debian marks it essential (always installed)."""

from __future__ import annotations

import ast
import glob
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("src", "tests", "bench")
SUBPROCESS_CALLS = {"run", "Popen", "call", "check_call", "check_output"}
SYSTEM_PATH = re.compile(r"^/usr/(s?bin|lib/postgresql/[^/]+/bin)/[\w.+-]+$")


@dataclass(frozen=True)
class Use:
    """A program named in the source, and where."""

    program: str  # a bare name ("pdftotext") or an absolute path, possibly a glob
    where: str  # file:line


def _last_part(node: ast.JoinedStr) -> str | None:
    """f"{bindir}/pg_ctl" → "pg_ctl": the program is the last constant path part of an f-string."""
    tail = node.values[-1] if node.values else None
    if isinstance(tail, ast.Constant) and isinstance(tail.value, str) and "/" in tail.value:
        return tail.value.rsplit("/", 1)[1] or None
    return None


def _lists(tree: ast.AST) -> dict[str, ast.List]:
    """name → the list literal it is bound to (also through `x if c else []`), for `[*name, ...]` commands."""
    out: dict[str, ast.List] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value.body if isinstance(node.value, ast.IfExp) else node.value
            if isinstance(value, ast.List) and value.elts:
                out[node.targets[0].id] = value
    return out


def _first_words(elts: list[ast.expr], lists: dict[str, ast.List]) -> list[str]:
    """The program a command list runs; a leading `*name` list (a prefix such as runuser, maybe empty) adds its
    own program and the next word is read as well."""
    out: list[str] = []
    for e in elts:
        if isinstance(e, ast.Starred):
            if isinstance(e.value, ast.Name) and e.value.id in lists:
                out += _first_words(lists[e.value.id].elts, lists)
            continue  # *cmd from the caller, or a prefix: the program may come next
        if isinstance(e, ast.Constant) and isinstance(e.value, str):
            out.append(e.value)
        elif isinstance(e, ast.JoinedStr) and _last_part(e):
            out.append(_last_part(e))
        break  # sys.executable and the like are not system programs
    return out


def _call_name(node: ast.Call) -> tuple[str, str] | None:
    f = node.func
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
        return f.value.id, f.attr
    return None


def uses_in(path: Path, root: Path = ROOT) -> list[Use]:
    """The programs one Python file runs by name (where: relative to root)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lists = _lists(tree)
    rel = path.relative_to(root)
    found: list[Use] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Call) and node.args:
            called = _call_name(node)
            first = node.args[0]
            if called and called[0] == "subprocess" and called[1] in SUBPROCESS_CALLS:
                if isinstance(first, (ast.List, ast.Tuple)):
                    names = _first_words(first.elts, lists)
                elif isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names = first.value.split()[:1]
            elif called == ("shutil", "which") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names = [first.value]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SYSTEM_PATH.match(node.value.replace("*", "x")):
                names = [node.value]
        found += [Use(n, f"{rel}:{node.lineno}") for n in names]
    return found


def programs() -> list[Use]:
    return [u for d in SCANNED for f in sorted((ROOT / d).rglob("*.py")) for u in uses_in(f)]


def ci_packages(script: str) -> list[str]:
    """The packages .ci/run installs: its DEBIAN_PACKAGES=(…) array."""
    found = re.search(r"^DEBIAN_PACKAGES=\(([^)]*)\)", script, re.M)
    assert found, ".ci/run declares no DEBIAN_PACKAGES=(…) array"
    return found.group(1).split()


def _dpkg(*args: str) -> str:
    return subprocess.run(["dpkg-query", *args], capture_output=True, text=True).stdout


def owner(program: str) -> str | None:
    """The Debian package holding the program's file, or None when it is not on this machine."""
    if program.startswith("/"):
        paths = sorted(glob.glob(program))
    else:
        paths = [p for p in (shutil.which(program), f"/usr/sbin/{program}", f"/sbin/{program}") if p]
    for p in paths:
        p = str(Path(p).resolve())
        for candidate in (p, p.replace("/usr/", "/", 1)):  # merged /usr: dpkg may record /bin/…
            out = _dpkg("-S", candidate)
            if out:
                return out.split(":", 1)[0].split(",")[0].strip()
    return None


def provided_by(packages: list[str]) -> set[str]:
    """The listed packages and those they depend on directly (postgresql → postgresql-15)."""
    out = set(packages)
    for p in packages:
        depends = _dpkg("-W", "-f=${Depends}", p)
        out |= {d.strip().split()[0] for alt in depends.split(",") for d in alt.split("|") if d.strip()}
    return out


def essential(package: str) -> bool:
    return _dpkg("-W", "-f=${Essential}", package).strip() == "yes"


def test_the_scan_finds_programs_in_each_form_it_reads(tmp_path):
    """The scan itself: each way the code names a program is found (or the check below could pass on nothing)."""
    src = tmp_path / "x.py"
    src.write_text(
        "import shutil, subprocess\n"
        "as_user = ['runuser', '-u', 'postgres'] if root else []\n"
        "subprocess.run(['pdftotext', 'a.pdf'])\n"
        "subprocess.Popen([*as_user, f'{bindir}/pg_ctl', 'stop'])\n"
        "subprocess.check_output('lsof -i', shell=True)\n"
        "subprocess.run([sys.executable, '-m', 'x'])\n"
        "shutil.which('haproxy')\n"
        "CHROMIUM = '/usr/bin/chromium'\n"
        "bins = glob.glob('/usr/lib/postgresql/*/bin/initdb')\n", encoding="utf-8")
    found = sorted(u.program for u in uses_in(src, tmp_path))
    assert found == sorted(["pdftotext", "runuser", "pg_ctl", "lsof", "haproxy", "/usr/bin/chromium",
                            "/usr/lib/postgresql/*/bin/initdb"])


def test_ci_packages_reads_the_array_and_refuses_a_script_without_one():
    assert ci_packages("x\nDEBIAN_PACKAGES=(a b-c d)\ny") == ["a", "b-c", "d"]
    with pytest.raises(AssertionError):
        ci_packages("apt-get install -y poppler-utils\n")


def test_every_program_the_code_runs_comes_from_a_package_ci_installs():
    uses = programs()
    names = {Path(u.program).name for u in uses}
    # the programs this repository is known to run: a scan that finds none of them has stopped working
    assert {"pdftotext", "haproxy", "chromium", "initdb", "pg_ctl"} <= names, names
    listed = ci_packages((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    covered = provided_by(listed)
    missing = []
    for u in uses:
        package = owner(u.program)
        if package is None:
            missing.append(f"{u.where}: {u.program} is not installed on this machine; add its Debian package to "
                           ".ci/run's DEBIAN_PACKAGES")
        elif package not in covered and not essential(package):
            missing.append(f"{u.where}: {u.program} comes from the Debian package {package}, which .ci/run's "
                           f"DEBIAN_PACKAGES does not install")
    assert not missing, "\n".join(missing)
