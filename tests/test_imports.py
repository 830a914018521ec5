"""No import circle among the package's modules (issue 33: ui.panels, ui.progress and ui.alignments imported each
other). Every import statement of every module under src/corridors is read with `ast`, those inside functions
(imported late, to keep start-up light) and under `if TYPE_CHECKING:` included: a circle through a late import
is still a circle a reader has to hold in their head, and it breaks as soon as the import moves to the top."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "corridors"


def modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted module name → (file, whether it is a package's __init__), for every .py file under root."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def imports(name: str, path: Path, is_package: bool, known: set[str]) -> set[str]:
    """The package's modules that module `name` imports (`from . import x` names module x when x is one)."""
    here = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            found.update(f"{origin}.{a.name}" if f"{origin}.{a.name}" in known else origin for a in node.names)
    return {m for m in found if m in known and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, edges = work[-1]
            w = next(edges, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_circle_and_only_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_relative_imports_are_resolved(tmp_path):
    """`from . import b` in a.py and `from .a import x` in b.py are one circle; `from .. import c` reaches up."""
    pkg = tmp_path / "p"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "c.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("from . import b\nfrom .. import c\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from .a import x\n")
    found = modules(pkg)
    graph = {n: imports(n, p, is_pkg, set(found)) for n, (p, is_pkg) in found.items()}
    assert graph["p.sub.a"] == {"p.sub.b", "p.c"} and graph["p.sub.b"] == {"p.sub.a"}
    assert cycles(graph) == [["p.sub.a", "p.sub.b"]]


def test_no_module_of_the_package_is_part_of_an_import_circle():
    found = modules(PACKAGE)
    assert "corridors.ui.page" in found and "corridors.cli" in found  # the walk saw the package
    graph = {n: imports(n, p, is_pkg, set(found)) for n, (p, is_pkg) in found.items()}
    assert cycles(graph) == []
