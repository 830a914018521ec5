"""The sign-in throttle kept in the progress store, so that every dashboard process on one store locks out the
same names and clients (auth.Throttle keeps the rules; this keeps its state in table sign_in_throttle).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import sqlalchemy as sa

from ..auth import Throttle
from ..config import store_url
from ..errors import StoreError
from .engine import Engine, throttle_table

_log = logging.getLogger("corridors.store")


class StoreThrottle(Throttle):
    """auth.Throttle with its state in the store's sign_in_throttle table, so that a name or a client locked
    out by one dashboard process is locked out by all of them. Each call is one short write transaction,
    serialised with the store's other writers. When the store cannot be written (PostgreSQL restarting, a
    store not yet migrated to v4) it falls back to this process's own throttle and logs why: sign-in stays
    throttled, per process, rather than open."""

    def __init__(self, url: str | None = None, *, max_keys: int = 10_000, clock=time.time, **kwargs) -> None:
        super().__init__(max_keys=max_keys, clock=clock, **kwargs)
        self.url = store_url(url)
        self.store: Engine | None = None  # opened on first use, and again after a failed open

    def _shared(self, work, fallback):
        try:
            if self.store is None or self.store.found is None:
                self.store = Engine(self.url, read_only=False)
            if self.store.found is None:  # a sign-in never creates the store
                raise StoreError(f"the progress store {self.store.label} is not created yet")
            return self.store._guarded(work, "throttle sign-ins in")
        except StoreError as exc:
            _log.warning("%s; sign-ins are throttled by this process alone until it can", exc)
            return fallback()

    def _rows(self, conn: sa.Connection, keys: list[str]) -> dict[str, tuple[int, float]]:
        if (self.store._version(conn) or 0) < 4:
            raise StoreError(f"the progress store {self.store.label} has no sign-in throttle table (schema "
                             f"< 4): run `corridors store migrate`")
        t = throttle_table.c
        found = conn.execute(sa.select(t.key, t.failures, t.locked_until).where(t.key.in_(keys)))
        return {k: (n, until) for k, n, until in found}

    def wait(self, keys: Iterable[str]) -> float:
        keys, now = list(keys), self.clock()

        def work():
            with self.store.engine.connect() as conn:
                rows = self._rows(conn, keys)
            return max([0.0, *(until - now for _, until in rows.values())])

        return self._shared(work, lambda: super(StoreThrottle, self).wait(keys))

    def failure(self, keys: Iterable[str]) -> float:
        keys, now = list(keys), self.clock()

        def work():
            with self.store._writing() as conn:
                rows, longest, t = self._rows(conn, keys), 0.0, throttle_table.c
                for k in keys:
                    n = rows.get(k, (0, now))[0] + 1
                    delay = self.delay(n)
                    longest = max(longest, delay)
                    if k in rows:
                        conn.execute(throttle_table.update().where(t.key == k).values(failures=n,
                                                                                      locked_until=now + delay))
                    else:
                        conn.execute(throttle_table.insert().values(key=k, failures=n, locked_until=now + delay))
                total = conn.execute(sa.select(sa.func.count()).select_from(throttle_table)).scalar_one()
                if total > self.max_keys:  # forget keys whose lock ran out longest ago (a flood of made-up names)
                    conn.execute(throttle_table.delete().where(t.locked_until < now - self.cap))
            return longest

        return self._shared(work, lambda: super(StoreThrottle, self).failure(keys))

    def success(self, keys: Iterable[str]) -> None:
        keys = list(keys)

        def work():
            with self.store._writing() as conn:
                self._rows(conn, keys)
                conn.execute(throttle_table.delete().where(throttle_table.c.key.in_(keys)))

        self._shared(work, lambda: super(StoreThrottle, self).success(keys))
        super().success(keys)

    def clear(self) -> None:
        def work():
            with self.store._writing() as conn:
                self._rows(conn, [])
                conn.execute(throttle_table.delete())

        self._shared(work, lambda: None)
        super().clear()

