"""The team deployment: the proxy's configuration, the worker's settings, the supervisor, and the whole set on
loopback (PostgreSQL, two dashboard processes started by `corridors serve`, HAProxy) driven by Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
from datetime import date
from pathlib import Path

import psutil
import pytest

from corridors import alignments as alignment
from corridors import deploy
from corridors.counting import Definition
from corridors.errors import CorridorsError

from .browser import ARTIFACTS, ROOT, chromium, free_port
from .conftest import fresh_database
from .test_browser import MAP, _idle, _kpis, _sign_in, _wait_map

SHIPPED = dict(upstreams=["127.0.0.1:8601", "127.0.0.1:8602"], bind="0.0.0.0:80", stats="127.0.0.1:8404")


def test_the_shipped_proxy_config_is_what_the_command_prints():
    """deploy/haproxy.cfg is `corridors proxy-config`'s output for two workers, so the two never drift."""
    shipped = (ROOT / "deploy" / "haproxy.cfg").read_text(encoding="utf-8")
    assert shipped == deploy.haproxy_config(SHIPPED["upstreams"], bind=SHIPPED["bind"], stats=SHIPPED["stats"])


@pytest.mark.skipif(not shutil.which("haproxy"), reason="HAProxy is installed by .ci/run")
def test_haproxy_accepts_the_config():
    out = subprocess.run(["haproxy", "-c", "-f", str(ROOT / "deploy" / "haproxy.cfg")], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_proxy_config_checks_health_keeps_affinity_and_upgrades_websockets():
    cfg = deploy.haproxy_config(["10.0.0.5:8601", "10.0.0.6:8601"], base_path="/corridors/")
    assert "option httpchk GET /corridors/_stcore/health" in cfg
    assert re.search(r"server w1 10\.0\.0\.5:8601 check cookie w1", cfg)
    assert re.search(r"server w2 10\.0\.0\.6:8601 check cookie w2", cfg)
    assert f"cookie {deploy.COOKIE} insert" in cfg and "balance leastconn" in cfg and "option redispatch" in cfg
    assert "timeout tunnel" in cfg  # HAProxy upgrades WebSockets itself; the tunnel must outlive a meeting
    assert "option forwardfor" in cfg  # the sign-in throttle's client address
    assert "path_beg /corridors/static/ /corridors/app/static/ /corridors/component/" in cfg
    assert "!{ path_end .html }" in cfg and "cache-use assets" in cfg and "cache-store assets" in cfg


@pytest.mark.parametrize("bad", ["8601", "host:", ":8601", "host:port", "host:0", "host:65536", "[::1:8601",
                                 "bad_name:8601", "-host:8601"])
def test_a_bad_upstream_is_named(bad):
    with pytest.raises(CorridorsError, match=re.escape(f"--upstream {bad!r} is not ")):
        deploy.haproxy_config(["127.0.0.1:8601", bad])


def test_the_worker_command_carries_the_deployment_settings(monkeypatch):
    """Loopback, the base path, XSRF on and the upload limit of the alignment import, given on the command
    line (not left to a config file the worker may not find); the cookie secret never on it."""
    monkeypatch.setenv(deploy.COOKIE_SECRET_ENV, "s3cret-value")
    cmd = deploy.worker_command(8601)
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert opts["--server.address"] == "127.0.0.1" and opts["--server.baseUrlPath"] == "corridors"
    assert opts["--server.enableXsrfProtection"] == "true"
    assert int(opts["--server.maxUploadSize"]) * 2**20 == alignment.MAX_BYTES
    assert not any("s3cret" in part for part in cmd)
    assert deploy.worker_environment()["STREAMLIT_SERVER_COOKIE_SECRET"] == "s3cret-value"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == int(opts["--server.maxUploadSize"])  # one limit everywhere
    assert config["server"]["fileWatcherType"] == opts["--server.fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False and opts["--runner.postScriptGC"] == "false"


def test_the_systemd_unit_runs_the_worker_command():
    unit = (ROOT / "deploy" / "systemd" / "corridors-worker@.service").read_text(encoding="utf-8")
    exec_start = re.search(r"^ExecStart=(.+)$", unit, re.M).group(1).split()
    assert exec_start[1:] == ["worker", "--port", "%i"] and exec_start[0].endswith("/corridors")
    assert re.search(r"^Restart=always$", unit, re.M) and "EnvironmentFile=" in unit
    env = (ROOT / "deploy" / "corridors.env.example").read_text(encoding="utf-8")
    for name in ("CORRIDORS_STORE_URL", "CORRIDORS_EDITORS", deploy.COOKIE_SECRET_ENV):
        assert re.search(rf"^{name}=", env, re.M)


def test_serve_refuses_what_cannot_work(tmp_path):
    with pytest.raises(CorridorsError, match=r"--workers 0 is out of range: give 1 to"):
        deploy.plan(0, app=ROOT / "app.py")
    with pytest.raises(CorridorsError, match="is not there"):
        deploy.plan(2, app=tmp_path / "nothing.py")
    with pytest.raises(CorridorsError, match="--workers 1 --no-proxy"):
        deploy.plan(2, app=ROOT / "app.py", proxy=False)
    with pytest.raises(CorridorsError, match="among the workers' ports"):
        deploy.plan(2, app=ROOT / "app.py", port=8602, first_worker_port=8601)


# --- operators' options: one line naming the option, exit 2, nothing started or left behind (issue 31) ------

@pytest.fixture
def run_folders(tmp_path, monkeypatch):
    """Run folders (tempfile.mkdtemp) go under tmp_path/tmp; the test sees whatever is left there."""
    import tempfile

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    return tmp_path / "tmp"


def _refused(capsys, argv: list[str]) -> str:
    """Run the CLI; assert exit 2 and one line on stderr and nothing on stdout; return the line."""
    from corridors.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert err.startswith("error: ") and err.count("\n") == 1 and out == "", (out, err)
    return err.strip()


@pytest.fixture
def listening():
    """A loopback port something already listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def _serve_cases(busy: int, ports: int) -> list[tuple[list[str], str]]:
    """(serve options, what the line must say), each impossible; `busy` is a port in use, `ports` the first of
    four free ones."""
    other = str(ports + 1)
    return [
        (["--port", "70000"], "--port '70000' is not a port"),
        (["--port", "0"], "--port '0' is not a port"),
        (["--port", "-1"], "--port '-1' is not a port"),
        (["--port", str(busy)], f"--port: cannot listen on 127.0.0.1:{busy}: it is in use"),
        (["--port", str(busy), "--no-proxy", "--workers", "1"], f"--port: cannot listen on 127.0.0.1:{busy}"),
        (["--bind", "999.1.1.1"], "--bind '999.1.1.1' is not an IP address"),
        (["--bind", "localhost"], "--bind 'localhost' is not an IP address"),
        (["--bind", "127.0.0.1\n    server evil 6.6.6.6:80"], "--bind '127.0.0.1\\n server evil"),
        (["--bind", "192.0.2.1", "--port", other], f"--bind: cannot listen on 192.0.2.1:{other}: the address is not "
                                                   "this machine's"),  # TEST-NET-1 (RFC 5737): never ours
        (["--worker-port", str(busy), "--workers", "1", "--port", other],
         f"--worker-port: cannot listen on 127.0.0.1:{busy}"),
        (["--worker-port", "65535", "--workers", "2"], "--worker-port 65535 with --workers 2 needs ports up to 65536"),
        (["--worker-port", "65536"], "--worker-port '65536' is not a port"),
        (["--workers", "100000"], "--workers 100000 is out of range: give 1 to"),
        (["--workers", "0"], "--workers 0 is out of range"),
        (["--workers", "-3"], "--workers -3 is out of range"),
        (["--workers", "2", "--no-proxy"], "--workers 1 --no-proxy"),
        (["--stats-port", "70000"], "--stats-port '70000' is not a port"),
        (["--stats-port", str(busy), "--port", other, "--worker-port", str(ports + 2)],
         f"--stats-port: cannot listen on 127.0.0.1:{busy}"),
        (["--port", str(ports), "--worker-port", str(ports), "--workers", "1"], "among the workers' ports"),
        (["--base-path", "corridors\nbackend evil"], "--base-path 'corridors\\nbackend evil' holds a control"),
        (["--base-path", "a b"], "--base-path 'a b' may hold only"),
        (["--base-path", "../x"], "--base-path '../x' may hold only"),
        (["--app", "no-such-app.py", "--port", other, "--worker-port", str(ports + 2)], "--app: the dashboard's entry"),
    ]


def test_serve_refuses_each_impossible_option_in_one_line_before_anything_starts(capsys, listening, run_folders,
                                                                               monkeypatch):
    """Before: each of these restarted HAProxy or a worker for ever (or planned 100,001 processes, or took 0 as
    'one per core'), and left a /tmp/corridors-serve-* folder. Now: one line naming the option, exit 2, no
    process started, no store or cache touched, no folder left."""
    from corridors import dataset

    started = []
    monkeypatch.setattr(deploy.Child, "start", lambda self: started.append(self.name))
    monkeypatch.setattr(dataset, "load", lambda *a, **kw: started.append("dataset") or pytest.fail("loaded"))
    monkeypatch.chdir(ROOT)
    first = _ports(4)
    for options, needle in _serve_cases(listening, first):
        line = _refused(capsys, ["serve", *options])
        assert needle in line, (options, line)
    assert started == [] and list(run_folders.iterdir()) == []


def test_proxy_config_refuses_a_value_that_would_write_its_own_line(capsys):
    """Before: a newline in --upstream, --bind or --base-path became a line of the operator's choosing in
    HAProxy's configuration. Now: one line naming the option, exit 2, nothing printed."""
    evil = "\n    server evil 6.6.6.6:80"
    for options, needle in [
        (["--upstream", "127.0.0.1:8601" + evil], "--upstream '127.0.0.1:8601\\n"),
        (["--upstream", "127.0.0.1:8601", "--bind", "0.0.0.0:80" + evil], "--bind '0.0.0.0:80\\n"),
        (["--upstream", "127.0.0.1:8601", "--base-path", "corridors" + evil], "--base-path 'corridors\\n"),
        (["--upstream", "127.0.0.1:8601", "--stats", "127.0.0.1:8404" + evil], "--stats '127.0.0.1:8404\\n"),
        (["--upstream", "127.0.0.1:99999"], "--upstream '127.0.0.1:99999' is not host:port"),
        (["--upstream", "127.0.0.1:8601", "--bind", "example.org:80"], "'example.org' is not an IP address"),
        (["--upstream", "127.0.0.1:8601", "--base-path", "a b"], "--base-path 'a b' may hold only"),
    ]:
        line = _refused(capsys, ["proxy-config", *options])
        assert needle in line, (options, line)


def test_proxy_config_takes_host_names_ipv6_and_an_empty_base_path():
    """What is allowed: a worker named by host name (several machines), IPv6 in brackets, ':80' for every
    interface, and the dashboard at the root (no redirect loop from / to /)."""
    cfg = deploy.haproxy_config(["w1.office.lan:8601", "[::1]:8602"], bind=":80", base_path="/")
    assert "server w1 w1.office.lan:8601 check" in cfg and "server w2 [::1]:8602 check" in cfg
    assert "    bind :80\n" in cfg and "redirect" not in cfg and "path_beg /static/ /app/static/" in cfg
    assert "option httpchk GET /_stcore/health" in cfg


def test_the_worker_port_limit_follows_the_cores():
    """--workers: 1 to WORKERS_PER_CORE per core, at most MAX_WORKERS; no value means one per core."""
    cores = deploy.default_workers()
    assert deploy.max_workers() == min(deploy.MAX_WORKERS, deploy.WORKERS_PER_CORE * cores)
    assert deploy.workers_option(None) == min(cores, deploy.max_workers())
    assert deploy.workers_option(deploy.max_workers()) == deploy.max_workers()
    with pytest.raises(CorridorsError, match="out of range"):
        deploy.workers_option(deploy.max_workers() + 1)


_RUN_UNTIL_SIGNAL = """
import sys
from pathlib import Path
from corridors import deploy
sup = deploy.plan(1, app=sys.argv[1], port=int(sys.argv[2]), first_worker_port=int(sys.argv[3]))
sup.children = [deploy.Child("sleeper", [sys.executable, "-c", "import time; time.sleep(120)"])]
print(sup.run_dir, (sup.run_dir / "haproxy.cfg").is_file(), flush=True)
sup.run()
print("stopped", flush=True)
"""


@pytest.mark.skipif(not shutil.which("haproxy"), reason="plan() looks HAProxy up; HAProxy is installed by .ci/run")
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_the_run_folder_is_removed_when_the_set_stops(tmp_path, sig):
    """Before: every `corridors serve` left its /tmp/corridors-serve-* folder. Now the supervisor removes it
    when it stops, on SIGTERM (systemd, kill), SIGINT (Ctrl-C) and SIGHUP (its terminal closed) alike."""
    import signal

    first = _ports(2)
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-c", _RUN_UNTIL_SIGNAL, str(ROOT / "app.py"), str(first), str(first + 1)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        folder, has_config = proc.stdout.readline().split()
        assert Path(folder).parent == tmp_path and Path(folder).is_dir() and has_config == "True"
        time.sleep(1)  # the supervisor's loop is running
        proc.send_signal(getattr(signal, sig))
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "stopped" in out, err
    assert not Path(folder).exists() and list(tmp_path.iterdir()) == []


def test_no_run_folder_is_made_when_haproxy_is_missing(tmp_path, run_folders, monkeypatch):
    def missing():
        raise CorridorsError("HAProxy is not installed")

    monkeypatch.setattr(deploy, "haproxy_binary", missing)
    first = _ports(2)
    with pytest.raises(CorridorsError, match="not installed"):
        deploy.plan(1, app=ROOT / "app.py", port=first, first_worker_port=first + 1)
    assert list(run_folders.iterdir()) == []


@pytest.mark.skipif(not shutil.which("haproxy"), reason="HAProxy is installed by .ci/run")
def test_a_client_forging_its_address_is_throttled_on_the_address_the_proxy_sees(tmp_path):
    """Issue 31: the throttle's per-client key was the first X-Forwarded-For value, which the client writes.
    Through the real proxy configuration (HAProxy on loopback, in front of a stand-in worker that records the
    headers it receives), a client sending a new forged X-Forwarded-For and X-Corridors-Client with every
    wrong credential, under a new name each time (so the per-name key never builds up), is still locked out
    after auth's free failures: its key is the address HAProxy saw (127.0.0.1 here)."""
    import http.client
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from streamlit.runtime.context import StreamlitHeaders

    from corridors import auth

    received: list[list[tuple[str, str]]] = []

    class Worker(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            if not self.path.endswith("/_stcore/health"):
                received.append(list(self.headers.items()))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    worker = ThreadingHTTPServer(("127.0.0.1", 0), Worker)
    threading.Thread(target=worker.serve_forever, daemon=True).start()
    front = free_port()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(deploy.haproxy_config([f"127.0.0.1:{worker.server_address[1]}"], bind=f"127.0.0.1:{front}"),
                   encoding="utf-8")
    proxy = subprocess.Popen(["haproxy", "-db", "-f", str(cfg)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    throttle, configured = auth.Throttle(), {"王工": "right"}
    try:
        _until(lambda: not _free(front), 15, "HAProxy listening")
        waits, forged = [], []
        for i in range(throttle.free + 2):
            conn = http.client.HTTPConnection("127.0.0.1", front, timeout=10)
            conn.request("GET", "/corridors/_stcore/stream", headers={
                "X-Forwarded-For": f"6.6.6.{i}", auth.CLIENT_HEADER: f"7.7.7.{i}"})
            assert conn.getresponse().status == 200
            conn.close()
            headers = StreamlitHeaders(received[-1])
            assert headers.get_all(auth.CLIENT_HEADER) == ["127.0.0.1"]  # the client's copy is gone
            forged.append(headers.get("X-Forwarded-For"))
            client = auth.client_address(None, headers)  # the worker's peer is the proxy: loopback
            waits.append(auth.sign_in(f"name{i}", "wrong", configured, client, throttle)[1])
        assert len(set(forged)) == len(forged) and forged[0] == "6.6.6.0"  # each attempt forged a new address
        assert waits[: throttle.free] == [0.0] * throttle.free and waits[-1] > 0  # yet the client is throttled
    finally:
        proxy.terminate()
        proxy.wait(10)
        worker.shutdown()


@pytest.mark.skipif(not shutil.which("haproxy"), reason="HAProxy is installed by .ci/run")
def test_a_get_whose_worker_dies_before_answering_is_answered_by_another(tmp_path):
    """After a worker was killed, 1 of 18 page loads stayed blank (issue 31): a request the worker had taken but
    not answered came back as a 502, and a page missing one of its scripts never draws. Through the real proxy
    configuration: w1 passes its health checks but drops every other request unanswered, as a worker killed
    mid-request does; a GET sent to it (by its cookie) is answered by w2; a POST is not sent twice."""
    import http.client
    import socketserver
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Dies(socketserver.StreamRequestHandler):
        def handle(self):
            line = self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b""):
                pass
            if b"/_stcore/health" in line:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            # anything else: the connection closes with no answer

    class Lives(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"alive")

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    dying = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Dies)
    living = ThreadingHTTPServer(("127.0.0.1", 0), Lives)
    for server in (dying, living):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    front = free_port()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(deploy.haproxy_config([f"127.0.0.1:{dying.server_address[1]}",
                                          f"127.0.0.1:{living.server_address[1]}"], bind=f"127.0.0.1:{front}"),
                   encoding="utf-8")
    proxy = subprocess.Popen(["haproxy", "-db", "-f", str(cfg)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def ask(method: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", front, timeout=20)
        conn.request(method, "/corridors/", body=b"x" if method == "POST" else None,
                     headers={"Cookie": f"{deploy.COOKIE}=w1"})
        status = conn.getresponse().status
        conn.close()
        return status

    try:
        _until(lambda: not _free(front), 15, "HAProxy listening")
        time.sleep(1.5)  # both servers through a health check
        assert [ask("GET") for _ in range(3)] == [200, 200, 200]
        assert ask("POST") == 502
    finally:
        proxy.terminate()
        proxy.wait(10)
        dying.shutdown()
        living.shutdown()


def test_workers_trust_no_forwarded_for_header(monkeypatch):
    """Streamlit's server (uvicorn) would take the client's address from X-Forwarded-For whenever the peer is
    loopback; the worker's environment turns that off, so st.context.ip_address stays the real peer."""
    import asyncio

    import uvicorn
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    seen = []

    async def app(scope, receive, send):
        seen.append(scope["client"][0])

    monkeypatch.setenv("FORWARDED_ALLOW_IPS", deploy.worker_environment({})["FORWARDED_ALLOW_IPS"])
    trusted = uvicorn.Config(app).forwarded_allow_ips
    scope = {"type": "websocket", "client": ("127.0.0.1", 5000), "headers": [(b"x-forwarded-for", b"6.6.6.6")]}
    asyncio.run(ProxyHeadersMiddleware(app, trusted_hosts=trusted)(scope, None, None))
    asyncio.run(ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1")(dict(scope), None, None))  # uvicorn's default
    assert seen == ["127.0.0.1", "6.6.6.6"]


def test_the_supervisor_restarts_a_child_that_dies(tmp_path):
    sup = deploy.Supervisor([deploy.Child("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"],
                                          tmp_path / "sleeper.log")])
    sup.start()
    try:
        first = sup.children[0].process.pid
        sup.children[0].process.kill()
        sup.children[0].process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            sup.poll()
            if sup.children[0].process and sup.children[0].process.poll() is None:
                break
            time.sleep(0.1)
        assert sup.children[0].process.pid != first and sup.children[0].process.poll() is None
    finally:
        sup.stop()
    assert sup.children[0].process.poll() is not None


# --- the whole set on loopback -------------------------------------------------------------------------------

def _ports(n: int) -> int:
    """The first of n consecutive free loopback ports."""
    for _ in range(50):
        first = free_port()
        if all(_free(first + i) for i in range(1, n)):
            return first
    raise RuntimeError("no run of free ports")


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _stats(stats_port: int) -> dict[str, str]:
    """HAProxy's view of each worker: server name → UP / DOWN / ..."""
    with urllib.request.urlopen(f"http://127.0.0.1:{stats_port}/;csv", timeout=2) as r:
        rows = [line.split(",") for line in r.read().decode().splitlines() if line.startswith("dashboards,w")]
    return {row[1]: row[17] for row in rows}


def _until(probe, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            found = probe()
            if found:
                return found
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


@pytest.fixture(scope="module")
def team(tmp_path_factory, pg_url):
    """`corridors serve --workers 2` on a fresh PostgreSQL database: yields (proxy URL, stats port, worker ports,
    store URL); stops the set."""
    store_url = fresh_database(pg_url)
    port, stats, first = free_port(), free_port(), _ports(2)
    logs = ARTIFACTS / "deploy"
    env = {**os.environ, "CORRIDORS_STORE_URL": store_url, "CORRIDORS_EDITORS": "王工=correct-horse-battery"}
    env.pop(deploy.COOKIE_SECRET_ENV, None)
    serve = subprocess.Popen([str(Path(sys.executable).with_name("corridors")), "serve", "--workers", "2",
                              "--port", str(port), "--worker-port", str(first), "--stats-port", str(stats),
                              "--log-dir", str(logs)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    try:
        _until(lambda: serve.poll() is None and set(_stats(stats).values()) == {"UP"} and len(_stats(stats)) == 2,
               120, "both workers UP behind the proxy")
        yield f"http://127.0.0.1:{port}/corridors", stats, [first, first + 1], store_url
    finally:
        serve.terminate()
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            serve.kill()
        (logs / "serve.log").write_text(serve.stdout.read() if serve.stdout else "", encoding="utf-8")


def _worker_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == deploy.COOKIE)


def _listener(port: int) -> psutil.Process:
    for conn in psutil.net_connections("tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return psutil.Process(conn.pid)
    raise AssertionError(f"nothing listens on {port}")


def _sign_in_and_record(pg) -> None:
    """Sign in from the sidebar and record, for the open project, its opening today (the form's defaults)."""
    _sign_in(pg)
    pg.get_by_role("button", name="打开详情").click()
    dialog = pg.get_by_role("dialog")
    dialog.wait_for(timeout=30_000)
    _idle(pg, 1000)  # a rerun still on its way would build the form again and drop what is typed into it
    dialog.get_by_text(re.compile("记录进展")).first.click()
    source = dialog.get_by_role("textbox", name="来源（标题）")
    source.fill("测试：部署集成测试的示例来源")
    _idle(pg, 1000)
    assert source.input_value() == "测试：部署集成测试的示例来源"
    dialog.get_by_role("button", name="保存").click()


def test_two_workers_behind_the_proxy_share_one_store_and_survive_a_dead_one(team, ds):
    """Through the proxy: an editor records an event on one worker; a new session, routed to the other worker
    (fewest connections), shows it; the first worker is killed: the viewer on the other one notices nothing,
    new sessions still load, and the supervisor brings the killed worker back into HAProxy's rotation."""
    from corridors.store import Store

    base, stats, worker_ports, store_url = team
    view = "?provinces=neighbours&opened=both&project=hw_g59_hubei"
    definition = Definition(provinces="neighbours", opened="both")
    before = f"{ds.count(date.today(), definition)['completed']} / {ds.target.count}"
    with chromium() as browser:
        a = browser.new_context(viewport={"width": 1440, "height": 1000})
        pa = a.new_page()
        pa.goto(f"{base}/{view}")
        _wait_map(pa)
        assert _kpis(pa)[0] == before
        worker_a = _worker_of(a)
        _sign_in_and_record(pa)
        def stored() -> bool:
            if len(Store(store_url).events()) == 1:
                return True
            refused = pa.get_by_text(re.compile("未保存："))
            if refused.count():  # the page said why nothing was stored: fail with that, not a timeout
                raise AssertionError(f"the page refused the event: {refused.first.inner_text()}")
            if pa.locator('[data-testid="stSidebar"]').get_by_label("编辑口令").count():
                raise AssertionError("the editor was signed out before the event was stored (session lost)")
            return False

        try:
            _until(stored, 60, "the event in the store")
        except AssertionError:  # show what the editor saw
            pa.screenshot(path=str(ARTIFACTS / "deploy" / "record-failed.png"))
            raise
        recorded = Store(store_url).events()
        after = f"{ds.with_events(recorded).count(date.today(), definition)['completed']} / {ds.target.count}"
        assert after != before  # the opening of G59's Hubei half adds a corridor under this definition
        _until(lambda: _kpis(pa)[0] == after, 60, "the editor's page showing the new count")

        b = browser.new_context(viewport={"width": 1440, "height": 1000})
        pb = b.new_page()
        pb.goto(f"{base}/{view}")
        _wait_map(pb)
        assert _worker_of(b) != worker_a  # the proxy sent the new session to the other worker
        assert _kpis(pb)[0] == after  # one truth across processes
        pb.screenshot(path=str(ARTIFACTS / "13-deploy-second-worker.png"))

        killed = worker_ports[int(worker_a.removeprefix("w")) - 1]
        victim = _listener(killed)
        victim.kill()
        victim.wait(10)
        _until(lambda: _stats(stats).get(worker_a) != "UP", 15, f"HAProxy taking {worker_a} out")

        c = browser.new_context(viewport={"width": 1440, "height": 1000})
        pc = c.new_page()
        pc.goto(f"{base}/{view}")
        _wait_map(pc)  # a new session still loads, on the surviving worker
        assert _worker_of(c) == _worker_of(b) and _kpis(pc)[0] == after

        pb.keyboard.press("Escape")  # the viewer on the surviving worker goes on working: closes the details
        pb.get_by_role("dialog").wait_for(state="hidden", timeout=30_000)
        pb.get_by_role("button", name="打开详情").click()  # and opens them again
        pb.get_by_role("dialog").wait_for(timeout=30_000)
        assert _kpis(pb)[0] == after and pb.locator(MAP).count() == 1
        assert not pb.get_by_text(re.compile("Connection error|连接错误|is not connected")).count()

        _until(lambda: _stats(stats).get(worker_a) == "UP", 90, f"{worker_a} restarted and back in rotation")
        assert _listener(killed).pid != victim.pid
        with urllib.request.urlopen(f"http://127.0.0.1:{killed}{deploy.health_path()}", timeout=5) as r:
            assert r.read() == b"ok"
        for ctx in (a, b, c):
            ctx.close()


def _readme_commands() -> list[list[str]]:
    """The shell lines of the README's "Team deployment" section, split as the shell would."""
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Team deployment", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    assert blocks, "the Team deployment section has no commands"
    return [shlex.split(line, comments=True) for b in blocks for line in b.splitlines() if line.strip()]


def test_the_readme_deployment_commands_are_real():
    """Every `corridors` command in the README's Team deployment section parses with the real CLI, every file
    it copies from deploy/ exists, and the proxy-config it shows prints a configuration HAProxy accepts."""
    from corridors.cli import parser

    commands = _readme_commands()
    ours = [c for c in commands if c and c[0].endswith("corridors")]
    assert {c[1] for c in ours} >= {"serve", "proxy-config"}
    for cmd in ours:
        parser().parse_args(cmd[1: cmd.index(">")] if ">" in cmd else cmd[1:])  # exits (SystemExit) on an option the CLI does not have
    for cmd in commands:
        for word in cmd:
            if word.startswith("deploy/"):
                assert (ROOT / word).exists(), word
    config = next(c for c in ours if c[1] == "proxy-config")
    args = config[1: config.index(">")]
    out = subprocess.run([str(Path(sys.executable).with_name("corridors")), *args], capture_output=True,
                         text=True, check=True).stdout
    assert "server w2 127.0.0.1:8602 check cookie w2" in out
    if shutil.which("haproxy"):
        cfg = ROOT / "artifacts" / "readme-haproxy.cfg"
        cfg.parent.mkdir(exist_ok=True)
        cfg.write_text(out, encoding="utf-8")
        check = subprocess.run(["haproxy", "-c", "-f", str(cfg)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
