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

import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorridorsError

log = logging.getLogger("corridors.deploy")

BASE_PATH = "corridors"  # the dashboard's URL path behind the proxy: http://host/corridors/
PROXY_PORT = 8501
FIRST_WORKER_PORT = 8601
COOKIE = "corridors_worker"  # HAProxy's affinity cookie: which worker holds this browser's session
COOKIE_SECRET_ENV = "CORRIDORS_COOKIE_SECRET"  # one secret for every worker: Streamlit signs its XSRF cookie


def health_path(base_path: str = BASE_PATH) -> str:
    """Streamlit's health endpoint under the base path: 200 'ok' once the server is up."""
    return f"/{base_path.strip('/')}/_stcore/health" if base_path.strip("/") else "/_stcore/health"


def upload_limit_mb() -> int:
    """The server's upload limit, the same as the alignment import's own (corridors.alignment.MAX_BYTES)."""
    from .alignment import MAX_BYTES

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
    cookie one worker sets is valid on every other (a browser holds one such cookie per address)."""
    env = dict(os.environ if base is None else base)
    if env.get(COOKIE_SECRET_ENV):
        env["STREAMLIT_SERVER_COOKIE_SECRET"] = env[COOKIE_SECRET_ENV]
    return env


def haproxy_config(upstreams: list[str], *, bind: str = f"127.0.0.1:{PROXY_PORT}", base_path: str = BASE_PATH,
                   stats: str | None = None) -> str:
    """HAProxy's configuration for these workers (host:port each, on one machine or several).

    New sessions go to the worker with the fewest open connections (each browser holds one WebSocket), and a
    cookie keeps a browser on its worker; a worker is checked every second on Streamlit's health endpoint
    and taken out after two failures, and a request for a worker that is down goes to another one (its
    session restarts there from the URL, which holds the whole view). X-Forwarded-For carries the client's
    address (the sign-in throttle uses it). Static files (Streamlit's, the map component's, Leaflet) are cached
    by the proxy: a new browser costs a worker only the page's own traffic, not 6 MB of JavaScript. stats: host:port of a read-only status page (CSV at /;csv)."""
    if not upstreams:
        raise CorridorsError("the proxy needs at least one worker (host:port)")
    for u in upstreams:
        host, _, port = u.rpartition(":")
        if not host or not port.isdigit():
            raise CorridorsError(f"worker '{u}' is not host:port")
    path = "/" + base_path.strip("/")
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
        f"    http-request redirect location {path}/ code 302 if {{ path / }} || {{ path {path} }}",
        "    default_backend dashboards",
        "",
        "backend dashboards",
        "    balance leastconn",
        f"    cookie {COOKIE} insert indirect nocache httponly attr \"SameSite=Lax\"",
        f"    http-request set-var(txn.asset) bool(1) if {{ path_beg {path}/static/ {path}/app/static/ "
        f"{path}/component/ }} !{{ path_end .html }}",
        "    http-request cache-use assets if { var(txn.asset) -m bool }",
        "    http-response cache-store assets if { var(txn.asset) -m bool }",
        f"    option httpchk GET {health_path(base_path)}",
        "    http-check expect status 200",
        "    default-server inter 1s fall 2 rise 1",
    ]
    for i, u in enumerate(upstreams, 1):
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
    dying within 10 s of starting), and stops them all on SIGTERM or SIGINT."""

    children: list[Child] = field(default_factory=list)
    stopping: bool = False

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

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.start()
        try:
            while not self.stopping:
                self.poll()
                time.sleep(0.5)
        finally:
            self.stop()


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def plan(workers: int, *, port: int = PROXY_PORT, bind: str = "127.0.0.1", first_worker_port: int = FIRST_WORKER_PORT,
         base_path: str = BASE_PATH, app: str | Path = "app.py", proxy: bool = True, stats_port: int | None = None,
         run_dir: Path | None = None, log_dir: Path | None = None) -> Supervisor:
    """The supervised set for one machine: `workers` dashboards on loopback ports from first_worker_port and,
    unless proxy is False (one worker, serving `bind:port` itself), HAProxy on bind:port in front of them."""
    if workers < 1:
        raise CorridorsError(f"--workers must be at least 1 (got {workers})")
    if not Path(app).is_file():
        raise CorridorsError(f"the dashboard's entry {app} is not there: run from the project's folder or give --app")
    if not proxy and workers != 1:
        raise CorridorsError("without the proxy only one worker can serve the address: --workers 1 --no-proxy")
    env = worker_environment()
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_urlsafe(32))  # shared by this set's workers
    run_dir = run_dir or Path(tempfile.mkdtemp(prefix="corridors-serve-"))
    logs = (lambda name: log_dir / f"{name}.log") if log_dir else (lambda name: None)
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
    sup = Supervisor()
    if not proxy:
        sup.children.append(Child("worker", worker_command(port, app=app, address=bind, base_path=base_path),
                                  logs("worker"), env))
        return sup
    ports = [first_worker_port + i for i in range(workers)]
    if port in ports:
        raise CorridorsError(f"the proxy's port {port} is among the workers' ports {ports[0]}–{ports[-1]}")
    for p in ports:
        sup.children.append(Child(f"worker {p}", worker_command(p, app=app, base_path=base_path), logs(f"worker-{p}"),
                                  env))
    cfg = run_dir / "haproxy.cfg"
    cfg.write_text(haproxy_config([f"127.0.0.1:{p}" for p in ports], bind=f"{bind}:{port}", base_path=base_path,
                                  stats=f"127.0.0.1:{stats_port}" if stats_port else None), encoding="utf-8")
    sup.children.append(Child("proxy", [haproxy_binary(), "-db", "-f", str(cfg)], logs("proxy")))
    return sup
