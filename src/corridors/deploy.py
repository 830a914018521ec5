"""The team deployment: several Streamlit processes behind HAProxy, on one progress store.

Streamlit runs every session of one process in one Python interpreter, so one process uses one core. A team
runs one worker process per core behind a reverse proxy that upgrades WebSockets, keeps each browser on the
worker that holds its session (a cookie), checks each worker's health endpoint and sends no new sessions to
one that fails it. The workers share nothing but the progress store (PostgreSQL for a team): events,
alignments and the sign-in throttle live there, so what one worker records, every worker shows on its next
rerun. Here are the parts, as pure functions of the settings, and the supervisor behind `corridors serve`,
which starts the whole set on one machine and restarts a worker (or the proxy) that dies. deploy/ holds the
same set for systemd; its haproxy.cfg is this module's output (a test proves it).
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .auth import CLIENT_HEADER
from .errors import CorridorsError

log = logging.getLogger("corridors.deploy")

BASE_PATH = "corridors"  # the dashboard's URL path behind the proxy: http://host/corridors/
PROXY_PORT = 8501
FIRST_WORKER_PORT = 8601
COOKIE = "corridors_worker"  # HAProxy's affinity cookie: which worker holds this browser's session
COOKIE_SECRET_ENV = "CORRIDORS_COOKIE_SECRET"  # one secret for every worker: Streamlit signs its XSRF cookie


# At most this many workers per core, and never more than MAX_WORKERS: one worker per core is the design
# (a Streamlit process runs its sessions on one core); a few more absorb a worker that is restarting, but each
# one holds its own copy of Streamlit and the dataset (a few hundred MB), so beyond that they add only memory
# and contention, and a typing slip (--workers 100000) would start a fork storm.
WORKERS_PER_CORE = 4
MAX_WORKERS = 64
# A base path's characters: those of an unreserved URL path, so it needs no quoting in a URL or in HAProxy's
# configuration (a space or a newline there would end the word or the line).
_BASE_PATH = re.compile(r"[A-Za-z0-9._~/-]*")
# A host name as DNS allows it (RFC 1123 labels); HAProxy resolves a server's name when it starts.
_HOST_NAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")


def _printable(option: str, value: str) -> str:
    """The value, refused when it holds a control character (a newline would start a line of its own in a
    configuration file)."""
    bad = next((c for c in value if ord(c) < 32 or 127 <= ord(c) < 160), None)
    if bad is not None:
        raise CorridorsError(f"{option} {value!r} holds a control character ({bad!r}); give it on one line")
    return value


def port_option(option: str, value: int | str) -> int:
    """A TCP port given as an option: a whole number from 1 to 65535."""
    text = _printable(option, str(value))
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise CorridorsError(f"{option} {text!r} is not a port: give a number from 1 to 65535")
    return int(text)


def address_option(option: str, value: str) -> str:
    """An IP address to listen on (IPv4 or IPv6), in its normal form. A host name is refused: which address
    it stands for can change, and a name with several addresses would listen on only one of them."""
    text = _printable(option, value).strip().strip("[]")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise CorridorsError(f"{option} {value!r} is not an IP address: give one such as 127.0.0.1 (this machine "
                             "only), 0.0.0.0 (every interface) or ::1; a host name is not accepted") from None


def host_port_option(option: str, value: str, *, hostname: bool, any_host: bool = False) -> tuple[str, int]:
    """(host, port) from HOST:PORT ([v6]:PORT for IPv6). hostname: a DNS name is allowed as the host (a worker
    on another machine); any_host: an empty host means every interface (':80')."""
    text = _printable(option, value)
    host, sep, port = text.rpartition(":")
    if not sep or (not host and not any_host):
        raise CorridorsError(f"{option} {value!r} is not host:port (e.g. 127.0.0.1:8601)")
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise CorridorsError(f"{option} {value!r} is not host:port: '{port}' is not a port from 1 to 65535")
    port_number = int(port)
    if not host:
        return "", port_number
    if host.startswith("[") != host.endswith("]"):
        raise CorridorsError(f"{option} {value!r} is not host:port: an IPv6 address goes in brackets, [::1]:8601")
    try:
        return str(ipaddress.ip_address(host.strip("[]"))), port_number
    except ValueError:
        if hostname and not host.startswith("[") and _HOST_NAME.fullmatch(host):
            return host, port_number
    what = "an IP address or a host name" if hostname else "an IP address"
    raise CorridorsError(f"{option} {value!r} is not host:port: '{host}' is not {what}")


def host_port(host: str, port: int) -> str:
    """host:port as HAProxy and URLs write it (an IPv6 address in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def base_path_option(option: str, value: str) -> str:
    """A URL base path such as 'corridors' or 'team/corridors' (slashes at either end are dropped)."""
    text = _printable(option, value)
    if not _BASE_PATH.fullmatch(text) or "//" in text.strip("/") or any(
            part in (".", "..") for part in text.strip("/").split("/")):
        raise CorridorsError(f"{option} {value!r} may hold only letters, digits, '-', '_', '.', '~' and single "
                             "'/' between its parts")
    return text.strip("/")


def max_workers() -> int:
    """The most workers `serve` starts on this machine: WORKERS_PER_CORE per core, at most MAX_WORKERS."""
    return min(MAX_WORKERS, WORKERS_PER_CORE * default_workers())


def workers_option(value: int | None) -> int:
    """--workers: None means one per core; otherwise 1 to max_workers()."""
    if value is None:
        return min(default_workers(), max_workers())
    if not 1 <= value <= max_workers():
        raise CorridorsError(f"--workers {value} is out of range: give 1 to {max_workers()} ({WORKERS_PER_CORE} per "
                             f"core on this machine's {default_workers()}, at most {MAX_WORKERS}); the default is "
                             "one per core")
    return value


def listenable(option: str, host: str, port: int, address_option: str | None = None) -> None:
    """Refuse an address this machine cannot listen on now (in use, not its own, a port it may not use), by
    trying: the one line names the option instead of HAProxy or a worker failing and restarting for ever.
    address_option: the option that gave the host, named instead when the address is at fault."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: a port in TIME_WAIT is free
        try:
            s.bind((host, port))
        except OSError as exc:
            reason = {errno.EADDRINUSE: "it is in use", errno.EADDRNOTAVAIL: "the address is not this machine's",
                      errno.EACCES: "permission denied (a port below 1024 needs root)"}.get(exc.errno,
                                                                                         exc.strerror or str(exc))
            named = address_option if address_option and exc.errno == errno.EADDRNOTAVAIL else option
            raise CorridorsError(f"{named}: cannot listen on {host_port(host, port)}: {reason}") from None


def health_path(base_path: str = BASE_PATH) -> str:
    """Streamlit's health endpoint under the base path: 200 'ok' once the server is up."""
    return f"/{base_path.strip('/')}/_stcore/health" if base_path.strip("/") else "/_stcore/health"


def upload_limit_mb() -> int:
    """The server's upload limit, the same as the alignment import's own (corridors.alignments.MAX_BYTES)."""
    from .alignments import MAX_BYTES

    return MAX_BYTES // 2**20


def worker_command(port: int, *, app: str | Path = "app.py", address: str = "127.0.0.1",
                   base_path: str = BASE_PATH, python: str = sys.executable) -> list[str]:
    """The command line of one dashboard worker. Settings that a team deployment depends on are given here
    rather than left to .streamlit/config.toml, so a worker started from another folder keeps them: bound to
    loopback (only the proxy reaches it), the base path, XSRF protection on, the upload limit, no file watcher
    and no full garbage collection after each script run (see .streamlit/config.toml).
    The cookie secret comes from the environment (never the command line, which `ps` shows)."""
    return [python, "-m", "streamlit", "run", str(app),
            "--server.port", str(port), "--server.address", address,
            "--server.baseUrlPath", base_path.strip("/"),
            "--server.headless", "true", "--server.enableXsrfProtection", "true",
            "--server.maxUploadSize", str(upload_limit_mb()),
            "--server.fileWatcherType", "none", "--server.runOnSave", "false",
            "--runner.postScriptGC", "false", "--browser.gatherUsageStats", "false"]


def worker_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The worker's environment: $CORRIDORS_COOKIE_SECRET becomes Streamlit's cookie secret, so the XSRF
    cookie one worker sets is valid on every other (a browser holds one such cookie per address). Uvicorn,
    Streamlit's server, is told to trust no proxy's X-Forwarded-For (by default it takes the client's address
    from it when the peer is loopback, where any local client can write it): the sign-in throttle reads the
    client's address from the header HAProxy sets (auth.CLIENT_HEADER) instead."""
    env = dict(os.environ if base is None else base)
    env["FORWARDED_ALLOW_IPS"] = ""
    if env.get(COOKIE_SECRET_ENV):
        env["STREAMLIT_SERVER_COOKIE_SECRET"] = env[COOKIE_SECRET_ENV]
    return env


def haproxy_config(upstreams: list[str], *, bind: str = f"127.0.0.1:{PROXY_PORT}", base_path: str = BASE_PATH,
                   stats: str | None = None) -> str:
    """HAProxy's configuration for these workers (host:port each, on one machine or several).

    New sessions go to the worker with the fewest open connections (each browser holds one WebSocket), and a
    cookie keeps a browser on its worker; a worker is checked every second on Streamlit's health endpoint
    and taken out after two failures, and a request for a worker that is down goes to another one (its
    session restarts there from the URL, which holds the whole view); a GET whose worker died before
    answering it is sent again to another one. The proxy sets CLIENT_HEADER to the address the request came
    from, replacing any a client sent (the sign-in throttle's key). Static files (Streamlit's, the map
    component's, Leaflet) are cached by the proxy: a new browser costs a worker only the page's own traffic,
    not 6 MB of JavaScript. stats: host:port of a read-only status page (CSV at /;csv).

    Every value is checked before it is written (CorridorsError naming the option): hosts, ports from 1 to
    65535, a base path of URL characters, no control character anywhere."""
    if not upstreams:
        raise CorridorsError("--upstream: the proxy needs at least one worker (host:port)")
    servers = [host_port(*host_port_option("--upstream", u, hostname=True)) for u in upstreams]
    bind = host_port(*host_port_option("--bind", bind, hostname=False, any_host=True))
    stats = host_port(*host_port_option("--stats", stats, hostname=False, any_host=True)) if stats else None
    base = base_path_option("--base-path", base_path)
    path = f"/{base}" if base else ""
    redirect = ([f"    http-request redirect location {path}/ code 302 if {{ path / }} || {{ path {path} }}"]
                if base else [])
    lines = [
        "# HAProxy for the corridors dashboard: made by `corridors proxy-config`; edit the command, not this file.",
        "global",
        "    maxconn 4096",
        "",
        "defaults",
        "    mode http",
        "    option forwardfor",
        "    option redispatch",
        "    retries 2",
        "    # A GET sent to a worker that dies before answering it goes to another worker rather than ending as",
        "    # a 502 (a page whose script fails to load stays blank); other methods are never sent twice.",
        "    retry-on conn-failure empty-response",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    timeout http-request 10s",
        "    timeout tunnel 8h  # an open dashboard's WebSocket",
        "    timeout client-fin 30s",
        "",
        "# Static files are served from here after the first request rather than by a worker for every new browser:",
        "# Streamlit's JavaScript (named by its hash, marked immutable), the map component's and Leaflet (they change",
        "# only with an upgrade, which restarts the set). Pages (.html) are never cached.",
        "cache assets",
        "    total-max-size 256",
        "    max-object-size 33554432",
        "    max-age 86400",
        "    process-vary on",
        "",
        "frontend corridors",
        f"    bind {bind}",
        "    # The client's address as this proxy saw it, for the sign-in throttle: set on every request, replacing",
        "    # any the client sent (X-Forwarded-For can be written by the client; the worker trusts only this).",
        f"    http-request set-header {CLIENT_HEADER} %[src]",
        *redirect,
        "    default_backend dashboards",
        "",
        "backend dashboards",
        "    balance leastconn",
        f"    cookie {COOKIE} insert indirect nocache httponly attr \"SameSite=Lax\"",
        "    http-request disable-l7-retry if !METH_GET",
        f"    http-request set-var(txn.asset) bool(1) if {{ path_beg {path}/static/ {path}/app/static/ "
        f"{path}/component/ }} !{{ path_end .html }}",
        "    http-request cache-use assets if { var(txn.asset) -m bool }",
        "    http-response cache-store assets if { var(txn.asset) -m bool }",
        f"    option httpchk GET {health_path(base)}",
        "    http-check expect status 200",
        "    default-server inter 1s fall 2 rise 1",
    ]
    for i, u in enumerate(servers, 1):
        lines.append(f"    server w{i} {u} check cookie w{i}")
    if stats:
        lines += ["", "listen stats", f"    bind {stats}", "    stats enable", "    stats uri /", "    stats refresh 5s"]
    return "\n".join(lines) + "\n"


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if os.access(p, os.X_OK)), None)
    if not found:
        raise CorridorsError("HAProxy is not installed: `apt-get install haproxy` (Debian), or run with "
                             "--workers 1 --no-proxy")
    return found


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether url answers 200 (a worker's or the proxy's health endpoint)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


@dataclass
class Child:
    """One supervised process: what to run, its log, and how often it died young (for the back-off)."""

    name: str
    command: list[str]
    log_path: Path | None = None
    env: dict[str, str] | None = None
    process: subprocess.Popen | None = None
    started: float = 0.0
    quick_deaths: int = 0
    restart_at: float = 0.0

    def start(self) -> None:
        out = open(self.log_path, "ab") if self.log_path else None  # noqa: SIM115 (the child keeps it)
        self.process = subprocess.Popen(self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT if out
                                        else None, start_new_session=True)
        if out:
            out.close()
        self.started = time.monotonic()
        log.info("started %s (pid %d)", self.name, self.process.pid)


@dataclass
class Supervisor:
    """Starts the workers and the proxy, restarts whichever dies (after 1 s, doubling to 30 s while it keeps
    dying within 10 s of starting), and stops them all on SIGTERM, SIGINT or SIGHUP (then removes its run folder)."""

    children: list[Child] = field(default_factory=list)
    stopping: bool = False
    run_dir: Path | None = None  # this run's own folder (HAProxy's configuration), removed when the set stops

    def cleanup(self) -> None:
        """Remove this run's folder (after stop, or when the set never started)."""
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None

    def start(self) -> None:
        for c in self.children:
            c.start()

    def poll(self) -> None:
        now = time.monotonic()
        for c in self.children:
            if c.process is None:
                if now >= c.restart_at:
                    c.start()
                continue
            code = c.process.poll()
            if code is None:
                if now - c.started > 10:
                    c.quick_deaths = 0
                continue
            c.quick_deaths = c.quick_deaths + 1 if now - c.started < 10 else 0
            delay = min(30.0, 2.0 ** max(0, c.quick_deaths - 1))  # 1 s, then 2, 4 … while it dies young
            log.warning("%s exited with code %s; restarting in %.0f s", c.name, code, delay)
            print(f"{c.name} exited with code {code}; restarting in {delay:.0f} s", file=sys.stderr, flush=True)
            c.process, c.restart_at = None, now + delay

    def stop(self, grace: float = 10.0) -> None:
        self.stopping = True
        for c in self.children:
            if c.process and c.process.poll() is None:
                c.process.terminate()
        deadline = time.monotonic() + grace
        for c in self.children:
            if c.process:
                try:
                    c.process.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    c.process.kill()
                    c.process.wait()

    def run(self) -> None:
        def stop(signum, _frame):
            self.stopping = True

        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # systemd or kill, Ctrl-C, the terminal closed
            signal.signal(sig, stop)
        try:
            self.start()
            while not self.stopping:
                self.poll()
                time.sleep(0.5)
        finally:
            try:
                self.stop()
            finally:
                self.cleanup()


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class ServeSettings:
    """`corridors serve`'s options, checked: what plan() starts."""

    workers: int
    port: int
    bind: str
    first_worker_port: int
    base_path: str
    proxy: bool
    stats_port: int | None

    @property
    def worker_ports(self) -> list[int]:
        return [self.first_worker_port + i for i in range(self.workers)] if self.proxy else []


def check_serve(workers: int | None, *, port: int = PROXY_PORT, bind: str = "127.0.0.1",
                first_worker_port: int = FIRST_WORKER_PORT, base_path: str = BASE_PATH, proxy: bool = True,
                stats_port: int | None = None) -> ServeSettings:
    """Every option of `corridors serve` checked before anything starts: a worker count within reason (None:
    one per core), ports from 1 to 65535 that this machine can listen on now and that do not collide, an IP
    address, a base path of URL characters. A CorridorsError names the option; nothing was started or
    written."""
    n = workers_option(workers)
    if not proxy and n != 1:
        raise CorridorsError("without the proxy only one worker can serve the address: --workers 1 --no-proxy")
    settings = ServeSettings(n, port_option("--port", port), address_option("--bind", bind),
                             port_option("--worker-port", first_worker_port),
                             base_path_option("--base-path", base_path), proxy,
                             port_option("--stats-port", stats_port) if stats_port is not None else None)
    if not proxy:
        if stats_port is not None:
            raise CorridorsError("--stats-port is HAProxy's status page: there is none with --no-proxy")
        listenable("--port", settings.bind, settings.port, "--bind")
        return settings
    last = settings.first_worker_port + n - 1
    if last > 65535:
        raise CorridorsError(f"--worker-port {settings.first_worker_port} with --workers {n} needs ports up to {last}; "
                             f"the highest is 65535: give --worker-port {65536 - n} or lower")
    ports = settings.worker_ports
    if settings.port in ports:
        raise CorridorsError(f"--port: the proxy's port {settings.port} is among the workers' ports "
                             f"{ports[0]}–{ports[-1]} (--worker-port)")
    if settings.stats_port is not None and (settings.stats_port in ports or settings.stats_port == settings.port):
        raise CorridorsError(f"--stats-port {settings.stats_port} is already the proxy's or a worker's port")
    listenable("--port", settings.bind, settings.port, "--bind")
    for p in ports:
        listenable("--worker-port", "127.0.0.1", p)
    if settings.stats_port is not None:
        listenable("--stats-port", "127.0.0.1", settings.stats_port)
    return settings


def plan(workers: int | None, *, port: int = PROXY_PORT, bind: str = "127.0.0.1",
         first_worker_port: int = FIRST_WORKER_PORT, base_path: str = BASE_PATH, app: str | Path = "app.py",
         proxy: bool = True, stats_port: int | None = None, log_dir: Path | None = None) -> Supervisor:
    """The supervised set for one machine: `workers` dashboards on loopback ports from first_worker_port and,
    unless proxy is False (one worker, serving `bind:port` itself), HAProxy on bind:port in front of them.
    The options are checked first (check_serve); the set's run folder (HAProxy's configuration) is made last
    and removed by the supervisor when it stops (Supervisor.cleanup)."""
    s = check_serve(workers, port=port, bind=bind, first_worker_port=first_worker_port, base_path=base_path,
                    proxy=proxy, stats_port=stats_port)
    if not Path(app).is_file():
        raise CorridorsError(f"the dashboard's entry {app} is not there: run from the project's folder or give --app")
    env = worker_environment()
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_urlsafe(32))  # shared by this set's workers
    logs = (lambda name: log_dir / f"{name}.log") if log_dir else (lambda name: None)
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
    sup = Supervisor()
    if not proxy:
        sup.children.append(Child("worker", worker_command(s.port, app=app, address=s.bind, base_path=s.base_path),
                                  logs("worker"), env))
        return sup
    for p in s.worker_ports:
        sup.children.append(Child(f"worker {p}", worker_command(p, app=app, base_path=s.base_path),
                                  logs(f"worker-{p}"), env))
    config = haproxy_config([f"127.0.0.1:{p}" for p in s.worker_ports], bind=host_port(s.bind, s.port),
                            base_path=s.base_path, stats=f"127.0.0.1:{s.stats_port}" if s.stats_port else None)
    binary = haproxy_binary()
    sup.run_dir = Path(tempfile.mkdtemp(prefix="corridors-serve-"))
    cfg = sup.run_dir / "haproxy.cfg"
    cfg.write_text(config, encoding="utf-8")
    sup.children.append(Child("proxy", [binary, "-db", "-f", str(cfg)], logs("proxy")))
    return sup
