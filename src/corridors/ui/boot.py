"""The server prepares the dashboard before its first viewer needs it. `streamlit run app.py` serves the page
through an `st.App` whose lifespan calls `start` when the server starts: a thread imports the page's modules,
builds (or reads from the disk cache) the dataset, writes the base map and Leaflet under static/ and computes
today's table, so that the first visit after an install costs what any later first visit costs. The server
answers once that is done, or after BUDGET seconds at most (its port is already bound, so a browser waits rather
than being refused); a viewer who arrives while it still runs sees, in their language, what is being prepared
and how far it is (`wait`), never an empty page. This module imports only Streamlit and the strings: it is what
the page runs before the rest."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from ..i18n import t

_log = logging.getLogger("corridors.boot")
POLL = 0.1  # seconds between two looks at the preparation while a viewer waits
# Seconds the server lets the preparation run before it answers: on this project's 2-core machines it takes
# about 2.5 s from an empty cache (bench/browser.py, "first visit after a fresh install"), so it is normally
# done before the first page is served; longer, and viewers are shown its progress instead of waiting.
BUDGET = 5.0


Steps = list[tuple[str, Callable[[], object]]]


@dataclass
class Preparation:
    """How far the server's preparation is: the step running (an i18n key), steps done of all, the error
    that stopped it (the page then builds what it needs itself, and shows that error if it recurs)."""

    steps: tuple[str, ...] = ()
    done: int = 0
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.monotonic)

    @property
    def step(self) -> str | None:
        return self.steps[self.done] if self.done < len(self.steps) else None

    def run(self, make_steps: Callable[[], Steps], first: str | None = None) -> threading.Thread:
        """Run the steps make_steps() gives, in order, in a daemon thread. first: the key of make_steps
        itself when it is slow (the page's imports), shown as the first step."""

        def work() -> None:
            try:
                self.steps = (first,) if first else ()
                todo = make_steps()
                self.steps += tuple(k for k, _ in todo)
                self.done = 1 if first else 0
                for _, step in todo:
                    step()
                    self.done += 1
                _log.info("prepared in %.1f s", time.monotonic() - self.started)
            except Exception as exc:  # noqa: BLE001  (the page builds what it needs and shows the error itself)
                self.error = f"{type(exc).__name__}: {exc}"
                _log.warning("preparing the dashboard failed (%s); the first page builds it", self.error)
            finally:
                self.finished.set()

        thread = threading.Thread(target=work, name="corridors-prepare", daemon=True)
        thread.start()
        return thread


_prep: Preparation | None = None
_lock = threading.Lock()


def _warmup_steps(app_dir: Path) -> Steps:
    from . import warmup  # the page's modules: most of the import time

    return warmup.steps(app_dir)


def start(app_dir: Path) -> Preparation:
    """Start preparing, once per process (later calls return the same preparation)."""
    global _prep
    with _lock:
        if _prep is None:
            _prep = Preparation()
            _prep.run(lambda: _warmup_steps(app_dir), first="boot_modules")
        return _prep


def lifespan(app_dir: Path, budget: float = BUDGET) -> Callable[[object], AsyncIterator[None]]:
    """The st.App lifespan: start preparing when the server starts and let it finish, up to `budget` seconds,
    before the server answers. Streamlit has already bound the port, so a browser that comes meanwhile waits
    for the answer instead of being refused; a preparation that takes longer (a slow or busy machine, a large
    catalog) goes on in the background while viewers see its progress (`wait`)."""

    @asynccontextmanager
    async def span(_app: object) -> AsyncIterator[None]:
        prep = start(app_dir)
        print(f"corridors: preparing the dashboard (at most {budget:.0f} s before it answers)…", file=sys.stderr)
        ready = await asyncio.to_thread(prep.finished.wait, budget)
        print("corridors: " + (f"ready in {time.monotonic() - prep.started:.1f} s" if ready and not prep.error else
                               f"answering now; preparation goes on ({prep.error or 'not finished'})"),
              file=sys.stderr)
        yield

    return span


def wait(lang: str | None = None, prep: Preparation | None = None) -> None:
    """While the server is still preparing (prep, by default the process's), show the viewer what it is doing
    and how far it is, in their language (the link's lang), then run the page again (st.rerun). Returns at
    once when nothing is being prepared (AppTest, a plain `streamlit run` of the page) or it is done."""
    prep = prep or _prep
    if prep is None or prep.finished.is_set():
        return
    lang = lang or st.query_params.get("lang", "zh")
    st.set_page_config(page_title="湖南泛珠出省通道 · Hunan Pan-PRD corridors", page_icon="🛤️", layout="wide")
    st.title(t("title", lang))
    fraction, text = progress(prep, lang)
    bar = st.progress(fraction, text=text)
    while not prep.finished.wait(POLL):
        fraction, text = progress(prep, lang)
        bar.progress(fraction, text=text)
    # Run the page afresh rather than clearing this: the progress stays on screen until the page's own
    # elements replace it, so the viewer never sees an empty page in between.
    st.rerun()


def progress(prep: Preparation, lang: str) -> tuple[float, str]:
    """The share done and the sentence a waiting viewer reads: what is being prepared, which step of how
    many, and for how long."""
    total = max(len(prep.steps), 1)
    text = t("boot_preparing", lang, step=t(prep.step or "boot_modules", lang), done=min(prep.done + 1, total),
             total=total, seconds=round(time.monotonic() - prep.started))
    return min(prep.done / total, 1.0), text
