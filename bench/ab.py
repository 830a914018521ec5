"""The language switch, A/B: this code against other versions of it, measured side by side. Prints a table;
asserts nothing.

    git worktree add --detach ../corridors-1204 e4bf52b
    .venv/bin/python -m bench.ab --rounds 20 main=. 1204=../corridors-1204

(Run as a module from the repository root with this checkout's virtual environment; every tree is run with it,
its own `src` first on the path, and its own dataset cache.)

One `streamlit run` per tree at once, one page each in the same Chromium. In every round the switch to English
is done on each page in a new random order, then back to 中文, with bench.browser's own probe: → title (the
page's title reads English), → map relabelled (the map's place labels and legend read English and every line
is drawn), back → title. Figures from one run of bench.browser move by up to 100 ms between spells on a shared
machine; here both versions share each spell, so their difference is what the run measures. Medians in ms;
the first round is untimed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
from contextlib import ExitStack
from pathlib import Path

from tests.browser import ARTIFACTS, chromium, streamlit_server

from . import browser as b

ENGLISH_TITLE = "Hunan's Pan-PRD corridors"


def server(name: str, tree: Path):
    """`streamlit run` of the tree's entry page (tests.browser.streamlit_server), with the tree's own code first on
    the path and its own dataset cache."""
    return streamlit_server({"PYTHONPATH": f"{tree / 'src'}{os.pathsep}{tree}",
                             "CORRIDORS_CACHE_DIR": str(ARTIFACTS / f"ab-cache-{name}")}, cwd=tree)


def switch(pg, zh: str, lines: int, label: str | None) -> tuple[float, float, float]:
    """One round on one page: to English (→ title, → map relabelled), then back to 中文 (→ title), in seconds."""
    def click(text: str):
        return b.clicker(pg, b.sidebar(pg).get_by_text(text, exact=True))

    def relabelled(s: dict) -> bool:
        return s["label"] not in (None, label) and s["legend"] == "Legend" and s["lines"] == lines

    title, relabel = b.timed(pg, click("English"), [lambda s: s["title"] == ENGLISH_TITLE, relabelled])
    b.quiet(pg)
    (back,) = b.timed(pg, click("中文"), [lambda s: s["title"] == zh])
    b.quiet(pg)
    return title, relabel, back


def measure(trees: dict[str, Path], rounds: int) -> dict[str, dict[str, list[float]]]:
    """Each tree's → title, → map relabelled and back → title, in ms, over `rounds` timed rounds."""
    with chromium() as browser, ExitStack() as stack:
        pages = {}
        for name, tree in trees.items():
            pg = b.open_page(browser, stack.enter_context(server(name, tree)))
            settled = b.quiet(pg)
            pages[name] = (pg, settled["title"], settled["lines"], settled["label"])
        out = {n: {"title": [], "map": [], "back": []} for n in pages}
        for i in range(rounds + 1):
            order = list(pages.items())
            random.shuffle(order)
            for name, (pg, zh, lines, label) in order:
                pg.bring_to_front()
                figures = switch(pg, zh, lines, label)
                if i:
                    for key, value in zip(("title", "map", "back"), figures):
                        out[name][key].append(value * 1000)
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("trees", nargs="+", metavar="NAME=TREE", help="a name and a checkout of this repository")
    args = parser.parse_args()
    trees = {}
    for arg in args.trees:
        name, _, tree = arg.partition("=")
        path = Path(tree).resolve()
        if not name or not (path / "app.py").exists():
            parser.error(f"{arg}: expected NAME=TREE with TREE a checkout holding app.py")
        trees[name] = path
    figures = measure(trees, args.rounds)
    print(f"language switch, medians of {args.rounds} rounds (ms)")
    print(f"{'':12s} {'→ title':>9s} {'→ map':>9s} {'back':>9s}")
    for name, f in figures.items():
        print(f"{name:12s} " + " ".join(f"{statistics.median(f[k]):9.0f}" for k in ("title", "map", "back")))


if __name__ == "__main__":
    main()
