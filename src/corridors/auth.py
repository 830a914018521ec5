"""Who may record progress: editor credentials configured by the operator, never by the app.

Configure either a Streamlit secrets table [editors] (name = "credential"; any character, TOML-quoted) or
$CORRIDORS_EDITORS, as a JSON object ({"王工": "any; characters = allowed"}) or, for simple credentials, as
"name=credential;name2=credential2" (a credential there cannot hold ';'; a part without '=' is refused, not
cut). With none configured, nobody can record and the store stays read-only.

Sign-in takes a name and a credential, compared in constant time. Failures are logged (name and client,
never the credential) and throttled per name and per client: after a few, each further attempt must wait
twice as long as the one before.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping

from .errors import CorridorsError

log = logging.getLogger("corridors.auth")


class ConfigError(CorridorsError):
    """The operator's editor configuration cannot be read; the message says where and why."""


def editors(env: str | None = None, secrets: Mapping | None = None) -> dict[str, str]:
    """name → credential, from the environment string and/or a secrets mapping (empty credentials ignored)."""
    text = env if env is not None else os.environ.get("CORRIDORS_EDITORS", "")
    found: dict[str, str] = {}
    if text.strip().startswith("{"):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"CORRIDORS_EDITORS is not valid JSON: {exc.msg} at character {exc.pos}") from None
        if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
            raise ConfigError('CORRIDORS_EDITORS must be a JSON object of name → credential text')
        found.update({str(k).strip(): v for k, v in parsed.items() if str(k).strip() and v})
    else:
        for i, part in enumerate(p for p in text.split(";") if p.strip()):
            name, sep, credential = part.partition("=")
            if not sep:
                raise ConfigError(f"CORRIDORS_EDITORS part {i + 1} has no '=': a credential holding ';' needs the "
                                  'JSON form {"name": "credential"} or the secrets file')
            if name.strip() and credential.strip():
                found[name.strip()] = credential.strip()
    for name, credential in dict(secrets or {}).items():
        if str(credential):
            found[str(name).strip()] = str(credential)
    return found


def editor_for(credential: str, configured: Mapping[str, str]) -> str | None:
    """The editor whose credential this is (compared in constant time), or None."""
    match = None
    for name, expected in configured.items():
        if hmac.compare_digest(credential.encode("utf-8"), expected.encode("utf-8")):
            match = name
    return match


def check(name: str, credential: str, configured: Mapping[str, str]) -> bool:
    """Whether credential is this editor's, in the same time whether or not the name is configured."""
    expected = configured.get(name)
    same = hmac.compare_digest(credential.encode("utf-8"), (expected if expected is not None else "\0").encode("utf-8"))
    return expected is not None and same


class Throttle:
    """Failed sign-ins per key (a name, a client): `free` failures cost nothing, then each one locks the key
    for base × 2^k seconds (capped); a success clears the key. Shared by every session of one server; a team
    running several servers shares it through the progress store (store.StoreThrottle)."""

    def __init__(self, free: int = 3, base: float = 2.0, cap: float = 900.0, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base, self.cap, self.max_keys, self.clock = free, base, cap, max_keys, clock
        self._state: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait(self, keys: Iterable[str]) -> float:
        """Seconds before any of these keys may try again (0: now)."""
        now = self.clock()
        with self._lock:
            return max([0.0, *(self._state.get(k, (0, now))[1] - now for k in keys)])

    def failure(self, keys: Iterable[str]) -> float:
        """Count a failure for each key; return how long the next attempt must wait."""
        now, longest = self.clock(), 0.0
        with self._lock:
            if len(self._state) > self.max_keys:  # forget the keys whose lock ran out longest ago
                for k, _ in sorted(self._state.items(), key=lambda kv: kv[1][1])[: self.max_keys // 2]:
                    del self._state[k]
            for k in keys:
                n = self._state.get(k, (0, now))[0] + 1
                delay = self.delay(n)
                self._state[k] = (n, now + delay)
                longest = max(longest, delay)
        return longest

    def delay(self, failures: int) -> float:
        """Seconds a key is locked after its n-th failure in a row."""
        return 0.0 if failures <= self.free else min(self.cap, self.base * 2 ** (failures - self.free - 1))

    def success(self, keys: Iterable[str]) -> None:
        with self._lock:
            for k in keys:
                self._state.pop(k, None)

    def clear(self) -> None:
        with self._lock:
            self._state.clear()


# The client's address as the team deployment's HAProxy saw it: the proxy sets this header on every request,
# replacing any the client sent (deploy.haproxy_config).
CLIENT_HEADER = "X-Corridors-Client"


def _loopback(peer: str) -> bool:
    try:
        return ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False


def client_address(peer: str | None, headers: Mapping[str, str]) -> str:
    """Who is signing in, for the throttle's per-client key: the peer's address, or, when the peer is this
    machine (Streamlit reports None for loopback: the team deployment's HAProxy, or a local browser), the
    address in CLIENT_HEADER, which HAProxy sets from the connection itself and no client can choose. A value
    that is not one IP address is ignored. X-Forwarded-For is never read: a client writes what it likes
    there, and HAProxy adds its own as a second header that a mapping's get() hides behind the client's."""
    if peer and not _loopback(peer):
        return peer
    get_all = getattr(headers, "get_all", None)  # Streamlit's headers keep every value of a repeated header
    values = get_all(CLIENT_HEADER) if callable(get_all) else [headers.get(CLIENT_HEADER) or ""]
    value = (values[-1] if values else "").strip()
    if value:
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            log.warning("ignored %s %r: not an IP address", CLIENT_HEADER, value[:60])
    return peer or "local"


def _keys(name: str, client: str) -> tuple[str, str]:
    return f"name:{name}", f"client:{client}"


def locked_for(name: str, client: str, throttle: Throttle) -> float:
    """Seconds an attempt for this name from this client must still wait (0: it would be checked)."""
    return throttle.wait(_keys(name, client))


def sign_in(name: str, credential: str, configured: Mapping[str, str], client: str,
            throttle: Throttle) -> tuple[str | None, float]:
    """(the editor signed in or None, seconds to wait before the next attempt). A throttled attempt is
    refused without looking at the credential; every failure is logged without it."""
    keys = _keys(name, client)
    wait = throttle.wait(keys)
    if wait > 0:
        log.warning("sign-in refused while throttled: name=%r client=%r wait=%.0fs", name, client, wait)
        return None, wait
    if check(name, credential, configured):
        throttle.success(keys)
        log.info("signed in: name=%r client=%r", name, client)
        return name, 0.0
    wait = throttle.failure(keys)
    log.warning("sign-in failed: name=%r client=%r next attempt in %.0fs", name, client, wait)
    return None, wait
