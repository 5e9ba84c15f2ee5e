"""The production topology on loopback, with faults: nginx, two gunicorns, Redis, PostgreSQL.

    scripts/with-postgres .venv/bin/python scripts/topology.py [--respondents 200]
        [--bad-requests 10000]

Starts redis-server (no persistence, its own directory), migrates, loads the
questionnaire and collects the static files, starts two gunicorn instances
of the app (deploy/gunicorn.conf.py, production settings, the Redis cache,
nginx's X-Forwarded-For as the client address) and nginx in front
(deploy/nginx.conf.template, rendered into a temporary directory), all on
private loopback ports. Then, through nginx:

1. Locust respondents (scripts/locustfile.py), each from its own loopback
   address, answer the whole questionnaire. While they do: a Start flood
   from one address meets 429s from both instances after MLFIT_START_LIMIT
   starts in all (the counter is in Redis) while another address still
   starts; slow clients send their headers a byte at a time; Redis is
   restarted; one gunicorn instance is killed with SIGKILL (master and
   workers) and later started again.
2. The database is checked as scripts/loadtest.py checks it: every completed
   submission holds exactly the answers posted, nothing else was written.
3. Generated bad requests (scripts/badrequests.py); every status is counted,
   and the stored answers must be unchanged.

It fails on any 5xx except the one kind nginx cannot hide: a POST already
sent to the instance that was killed (nginx never resends a POST that may
have been saved), answered 502 and then resent by the respondent.

Exit status: 0 when every check passed, 1 when one failed, 2 when it cannot run.
"""

# Locust runs on gevent, which must patch the standard library before anything uses it.
from gevent import monkey

monkey.patch_all()

import argparse
import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import types
from collections import Counter
from pathlib import Path

import gevent
import gevent.event
from gevent.pool import Pool

sys.path.insert(0, str(Path(__file__).resolve().parent))
import badrequests
import locustfile
from loadtest import ROOT, SetupError, check_database, forms_in, free_port, hidden_fields, manage

DEPLOY = ROOT / "deploy"
START_LIMIT = 30
MAX_BODY = badrequests.MAX_BODY
WORKERS = 2  # per gunicorn instance
FLOOD_ADDRESS, OTHER_ADDRESS, SLOW_ADDRESS = "127.0.0.250", "127.0.0.251", "127.0.0.240"
ACCESS = re.compile(
    r'^(?P<addr>\S+) \[[^]]*\] "(?P<request>[^"]*)" (?P<status>\d+) \d+ '
    r"upstream=(?P<upstream>\S+(?:, \S+)*) upstream_status=(?P<ustatus>\S+(?:, \S+)*) "
    r"time=(?P<time>[\d.]+) msec=(?P<msec>[\d.]+)$"
)


# -- The processes ---------------------------------------------------------------------


class Process:
    """One server process in its own process group, its output in a log file."""

    def __init__(self, name: str, command: list[str], log: Path, env: dict | None = None) -> None:
        self.name, self.command, self.log, self.env = name, command, log, env
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as out:
            self.popen = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the whole group (a gunicorn master and its workers)."""
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)

    def stop(self) -> None:
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.kill(signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.popen.wait()
        with contextlib.suppress(OSError):
            os.killpg(self.popen.pid, signal.SIGKILL)  # workers left behind by a killed master

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def wait_for_http(port: int, path: str, process: Process, seconds: float = 60) -> None:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if process.popen.poll() is not None:
            raise SetupError(f"{process.name} exited at start:\n{process.tail()}")
        try:
            status, _ = badrequests.send(
                port, badrequests.request("GET", path, [("Host", "127.0.0.1")]), "127.0.0.1", 5
            )
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SetupError(f"{process.name} did not serve {path} in {seconds:.0f} s:\n{process.tail()}")


def wait_for_port(port: int, process: Process, seconds: float = 20) -> None:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if process.popen.poll() is not None:
            raise SetupError(f"{process.name} exited at start:\n{process.tail()}")
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SetupError(f"{process.name} did not listen on {port}:\n{process.tail()}")


class Topology:
    """Redis, two gunicorns and nginx in a temporary directory; stop() ends them all."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.redis_port, self.nginx_port = free_port(), free_port()
        self.app_ports = [free_port(), free_port()]
        self.processes: list[Process] = []
        self.redis = Process(
            "redis-server",
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.redis_port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(tmp),
                "--daemonize", "no",
            ],
            tmp / "redis.log",
        )  # fmt: skip
        self.env = app_environment(self.redis_port)
        self.apps = [
            Process(
                f"gunicorn {k + 1}",
                [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
                + ["mlfit.wsgi:application"],
                tmp / f"gunicorn-{k + 1}.log",
                {
                    **self.env,
                    "GUNICORN_BIND": f"127.0.0.1:{port}",
                    "GUNICORN_WORKERS": str(WORKERS),
                },
            )
            for k, port in enumerate(self.app_ports)
        ]
        self.nginx_dir = tmp / "nginx"
        self.nginx = Process(
            "nginx",
            [nginx_binary(), "-p", str(self.nginx_dir), "-c", str(self.nginx_dir / "nginx.conf")]
            + ["-e", str(self.nginx_dir / "error.log")],
            tmp / "nginx.out",
        )

    def start(self) -> None:
        self.processes = [self.redis]
        self.redis.start()
        wait_for_port(self.redis_port, self.redis)
        for app, port in zip(self.apps, self.app_ports, strict=True):
            self.processes.append(app)
            app.start()
            wait_for_http(port, "/health/", app)
        self.render_nginx()
        self.processes.append(self.nginx)
        self.nginx.start()
        wait_for_http(self.nginx_port, "/health/", self.nginx)

    def render_nginx(self) -> None:
        self.nginx_dir.mkdir()
        values = {
            "user": pwd.getpwuid(os.geteuid()).pw_name,
            "run_dir": str(self.nginx_dir),
            "listen": f"127.0.0.1:{self.nginx_port}",
            "app_1": f"127.0.0.1:{self.app_ports[0]}",
            "app_2": f"127.0.0.1:{self.app_ports[1]}",
            "static_root": str(ROOT / "staticfiles"),
            "max_body": str(MAX_BODY),
            "mime_types": "/etc/nginx/mime.types",
        }
        text = (DEPLOY / "nginx.conf.template").read_text()
        for name, value in values.items():
            text = text.replace("{{" + name + "}}", value)
        unfilled = re.findall(r"{{\w+}}", text)
        if unfilled:
            raise SetupError(f"nginx.conf.template: nothing to fill in {unfilled}")
        (self.nginx_dir / "nginx.conf").write_text(text)
        checked = subprocess.run(
            [*self.nginx.command, "-t"], capture_output=True, text=True, cwd=ROOT
        )
        if checked.returncode != 0:
            raise SetupError(f"nginx -t refused the rendered config:\n{checked.stderr}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def restart_redis(self) -> float:
        """Stop Redis, wait a second, start it again; return the seconds it was away."""
        went = time.perf_counter()
        self.redis.stop()
        time.sleep(1.0)
        self.redis.start()
        wait_for_port(self.redis_port, self.redis)
        return time.perf_counter() - went

    def access_log(self) -> list[dict]:
        lines = (self.nginx_dir / "access.log").read_text(errors="replace").splitlines()
        return [m.groupdict() for line in lines if (m := ACCESS.match(line))]


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        raise SetupError("nginx is not installed (Debian: apt-get install nginx)")
    return found


def app_environment(redis_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="mlfit.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_COOKIES="false",  # plain HTTP on loopback
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="WARNING",
        MLFIT_CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
        MLFIT_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        MLFIT_START_LIMIT=str(START_LIMIT),
        MLFIT_MAX_REQUEST_BYTES=str(MAX_BODY),
    )
    return env


# -- What goes on during the run --------------------------------------------------------


class Browser:
    """A minimal client over raw sockets from one address: GET the landing page, POST Start."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address = port, address
        self.host = f"127.0.0.1:{port}"
        status, head, body = self.exchange(badrequests.request("GET", "/", [("Host", self.host)]))
        self.csrf_cookie = re.search(rb"csrftoken=([^;\s]+)", head)[1].decode()
        form = next(f for f in forms_in(body.decode()) if f["action"] == "/start/")
        self.start_form = hidden_fields(form)

    def exchange(self, raw: bytes) -> tuple[int, bytes, bytes]:
        with socket.create_connection(("127.0.0.1", self.port), 20, (self.address, 0)) as conn:
            conn.sendall(raw)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split()[1]), head, body

    def post(self, path: str, fields: list[tuple[str, str]], cookie: str = "") -> tuple[int, str]:
        body = "&".join(f"{name}={value}" for name, value in fields).encode()
        headers = [
            ("Host", self.host),
            ("Origin", f"http://{self.host}"),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", f"csrftoken={self.csrf_cookie}" + (f"; {cookie}" if cookie else "")),
        ]
        status, head, _ = self.exchange(badrequests.request("POST", path, headers, body))
        location = re.search(rb"\r\nLocation: (\S+)", head)
        return status, location[1].decode() if location else ""


def start_flood(port: int, starts: int) -> dict:
    """Press Start `starts` times from one address, without cookies to reuse; then from another."""
    flood = Browser(port, FLOOD_ADDRESS)
    statuses, submissions = Counter(), []

    def one(_: int) -> None:
        status, location = flood.post("/start/", flood.start_form)
        statuses[status] += 1
        if status == 302:
            submissions.append(location.split("/")[2])

    Pool(10).map(one, range(starts))  # ten at a time: the counter in Redis is atomic
    other = Browser(port, OTHER_ADDRESS)
    other_status, location = other.post("/start/", other.start_form)
    if other_status == 302:
        submissions.append(location.split("/")[2])
    return {"statuses": statuses, "other": other_status, "submissions": submissions}


def slow_clients(port: int, count: int, seconds: float) -> dict:
    """Open `count` connections that send their headers (or body) a byte a second.

    Return how long nginx kept each one before closing it, and whether it answered.
    """

    def one(k: int) -> tuple[str, float, bytes]:
        body_too = k % 2 == 1  # half send their headers whole, then a body byte by byte
        start = time.perf_counter()
        conn = socket.create_connection(("127.0.0.1", port), 5, (SLOW_ADDRESS, 0))
        conn.settimeout(1.2)
        if body_too:
            conn.sendall(
                f"POST /start/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 100000\r\n\r\n".encode()
            )
            drip = b"a" * 100000
        else:
            drip = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode() + b"a" * 1000
        answer = b""
        for byte in drip:
            if time.perf_counter() - start > seconds:
                break
            try:
                conn.sendall(bytes([byte]))
                answer = conn.recv(4096)
                if not answer:
                    break
            except TimeoutError:
                continue
            except OSError:
                break
            if answer:
                break
        held = time.perf_counter() - start
        conn.close()
        return ("body" if body_too else "headers"), held, answer.split(b"\r\n", 1)[0]

    started = time.perf_counter()
    results = [job.value for job in gevent.joinall([gevent.spawn(one, k) for k in range(count)])]
    return {"results": results, "from": started, "to": time.perf_counter()}


class Timeline:
    """The faults, each in its own greenlet, at moments of the Locust run; their times recorded.

    The flood comes first and Redis is restarted only after it (while Redis is
    away the limit lets Starts through). The kill waits for a share of the
    respondents to finish, so that however slow the machine it comes mid-run.
    """

    def __init__(self, topology: Topology, args: argparse.Namespace) -> None:
        self.topology, self.args = topology, args
        self.events: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.during: dict[str, int] = {}  # respondents still answering at each event
        self.flood: dict = {}
        self.slow: dict = {}
        self.redis_away = 0.0
        self.errors: list[str] = []
        self.flood_over = gevent.event.Event()

    def mark(self, name: str) -> None:
        self.events[name] = time.perf_counter()
        self.wall[name] = time.time()  # to compare with nginx's log
        self.during[name] = self.args.respondents - len(locustfile.FINISHED)

    def at(self, seconds: float, since: float) -> None:
        gevent.sleep(max(0.0, since + seconds - time.perf_counter()))

    def start(self, since: float) -> list[gevent.Greenlet]:
        return [
            gevent.spawn(self.guarded, job, since)
            for job in (self.flood_then_redis, self.slowloris, self.kill)
        ]

    def guarded(self, job, since: float) -> None:
        try:
            job(since)
        except Exception as error:  # reported as a failed check
            self.errors.append(f"{job.__name__}: {error!r}")

    def flood_then_redis(self, since: float) -> None:
        self.at(3, since)
        self.mark("flood")
        self.flood = start_flood(self.topology.nginx_port, 2 * START_LIMIT + 10)
        self.at(10, since)
        self.mark("redis stopped")
        self.redis_away = self.topology.restart_redis()
        self.mark("redis back")
        self.flood_over.set()

    def slowloris(self, since: float) -> None:
        self.at(5, since)
        self.mark("slow clients")
        self.slow = slow_clients(self.topology.nginx_port, self.args.slow_clients, 15)

    def kill(self, since: float) -> None:
        wanted = int(self.args.kill_after * self.args.respondents)
        self.flood_over.wait()  # so that the flood's figures are Redis's alone
        while len(locustfile.FINISHED) < wanted:
            gevent.sleep(0.05)
        self.mark("kill")
        self.topology.apps[0].kill(signal.SIGKILL)
        self.topology.apps[0].popen.wait()
        gevent.sleep(10)
        self.mark("restart")
        self.topology.apps[0].start()
        wait_for_http(self.topology.app_ports[0], "/health/", self.topology.apps[0])
        self.mark("back")


# -- The run -----------------------------------------------------------------------------


def run_locust(topology: Topology, args: argparse.Namespace, timeline: Timeline) -> dict:
    from locust.env import Environment

    samples: list[tuple[float, str, str, int, float]] = []

    env = Environment(user_classes=[locustfile.Respondent], host=f"http://{host(topology)}")

    @env.events.request.add_listener
    def record(request_type, name, response_time, response, exception, **kwargs) -> None:
        status = getattr(response, "status_code", 0) or 0
        samples.append((time.perf_counter(), request_type, name, status, response_time))

    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(args.respondents, spawn_rate=args.spawn_rate)
    faults = timeline.start(started)
    while len(locustfile.FINISHED) < args.respondents:
        if time.perf_counter() - started > args.timeout:
            break
        gevent.sleep(0.5)
    elapsed = time.perf_counter() - started
    gevent.joinall(faults, timeout=60)
    runner.quit()
    return {"env": env, "samples": samples, "started": started, "elapsed": elapsed}


def host(topology: Topology) -> str:
    return f"127.0.0.1:{topology.nginx_port}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200, help="Locust users (default 200)")
    parser.add_argument("--spawn-rate", type=float, default=8, help="users started a second")
    parser.add_argument(
        "--kill-after", type=float, default=0.4, help="share of respondents done at the kill"
    )
    parser.add_argument("--slow-clients", type=int, default=8, help="slow connections (default 8)")
    parser.add_argument("--bad-requests", type=int, default=10000, help="default 10000")
    parser.add_argument("--seed", type=int, default=12, help="seed of the bad requests")
    parser.add_argument("--timeout", type=float, default=150, help="give up the Locust run after")
    parser.add_argument("--keep", type=Path, help="copy the logs into this directory")
    return parser.parse_args(argv)


def prepare() -> dict[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SetupError(
            "the topology test runs on PostgreSQL: scripts/with-postgres "
            ".venv/bin/python scripts/topology.py"
        )
    if not shutil.which("redis-server"):
        raise SetupError("redis-server is not installed (Debian: apt-get install redis-server)")
    nginx_binary()
    env = app_environment(0)
    del env["MLFIT_CACHE_URL"]  # the apps' Redis is not started yet
    os.environ.update({k: v for k, v in env.items() if k.startswith("DJANGO_")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    manage(env, "migrate", "--noinput")
    manage(env, "load_questionnaire")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return env


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    # A CI job's TERM must still stop every server this script started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.perf_counter()
    try:
        prepare()
        with tempfile.TemporaryDirectory(prefix="mlfit-topology-") as tmp:
            tmp_path = Path(tmp)
            tmp_path.chmod(0o755)  # nginx's workers may run as another user
            topology = Topology(tmp_path)
            try:
                topology.start()
                return run_and_report(topology, args, began)
            finally:
                topology.stop()
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    for log in [*tmp_path.glob("*.log"), *topology.nginx_dir.glob("*.log")]:
                        shutil.copy(log, args.keep / log.name)
    except SetupError as error:
        print(f"topology: {error}", file=sys.stderr)
        return 2


def run_and_report(topology: Topology, args: argparse.Namespace, began: float) -> int:
    from django.utils import timezone

    from assessments.models import Submission

    print(
        f"mlfit topology: nginx on {host(topology)} -> gunicorn x2 ({WORKERS} sync workers each, "
        f"ports {topology.app_ports[0]}, {topology.app_ports[1]}), Redis on "
        f"{topology.redis_port}, PostgreSQL; set-up {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    problems: list[str] = check_headers(topology)
    run_started = timezone.now()
    timeline = Timeline(topology, args)
    locust = run_locust(topology, args, timeline)
    problems += [f"a fault could not be injected: {error}" for error in timeline.errors]
    for event in ("flood", "slow clients", "redis stopped", "kill"):
        if not timeline.during.get(event):
            problems.append(f"{event}: no respondent was answering any more (not mid-run)")
    env, samples, zero = locust["env"], locust["samples"], locust["started"]
    access = topology.access_log()
    t = {name: at - zero for name, at in timeline.events.items()}

    # -- Respondents, and the 5xx nginx could not hide
    journeys = locustfile.JOURNEYS
    for journey in journeys:
        if journey.failure or not journey.completed:
            problems.append(f"respondent {journey.index}: {journey.failure or 'did not finish'}")
    killed = f"127.0.0.1:{topology.app_ports[0]}"
    kill_at = timeline.wall.get("kill", 0.0)
    errors = [a for a in access if int(a["status"]) >= 500]
    # A request that reaches a dead instance is refused a connection, and nginx
    # passes it to the other one, POST or not. So a 502 for a POST that nginx
    # sent to the killed instance alone, answered as it died, is one that was
    # already sent to it (being served or in its listen queue) when it was killed.
    hidden = [
        a
        for a in errors
        if a["status"] == "502"
        and a["request"].startswith("POST ")
        and a["upstream"] == killed
        and kill_at - 0.05 <= float(a["msec"]) <= kill_at + 1.0
    ]
    for a in [a for a in errors if a not in hidden][:10]:
        problems.append(f"5xx: {a['request']} -> {a['status']} via {a['upstream']}")
    client_5xx = [s for s in samples if s[3] >= 500 or s[3] == 0]
    if len(client_5xx) != len([a for a in errors if a["addr"].startswith("127.1.")]):
        problems.append(
            f"respondents saw {len(client_5xx)} 5xx/no answer, nginx logged {len(errors)}"
        )
    last_error = max((s[0] - zero for s in client_5xx), default=None)

    # -- The flood: 429 from both instances, the counter shared in Redis
    flood = timeline.flood
    by_upstream: Counter = Counter()
    for a in access:
        if a["addr"] == FLOOD_ADDRESS and a["request"].startswith("POST /start/"):
            by_upstream[(a["upstream"], a["status"])] += 1
    if flood:
        if flood["statuses"].get(302, 0) != START_LIMIT:
            problems.append(f"flood: {flood['statuses'].get(302, 0)} starts, {START_LIMIT} allowed")
        for port in topology.app_ports:
            if not by_upstream.get((f"127.0.0.1:{port}", "429")):
                problems.append(f"flood: no 429 from the instance on port {port}")
        if flood["other"] != 302:
            problems.append(f"flood: another address got {flood['other']} for Start")

    # -- Slow clients
    slow = timeline.slow
    during = []
    if slow:
        during = [s for s in samples if slow["from"] - 0 <= s[0] <= slow["to"]]
        if not [s for s in during if 200 <= s[3] < 400]:
            problems.append("slow clients: no respondent was served while they were connected")
        for kind, held, _ in slow["results"]:
            if kind == "headers" and held > 12:
                problems.append(f"slow client (headers) held for {held:.1f} s")
        slow_upstream = [a for a in access if a["addr"] == SLOW_ADDRESS and a["upstream"] != "-"]
        if slow_upstream:
            problems.append(f"slow clients reached gunicorn: {slow_upstream[:2]}")

    # -- The database, as scripts/loadtest.py checks it
    from django.db import connections

    connections.close_all()
    extra = [
        locustfile.Journey(10_000 + k, submission=pk)
        for k, pk in enumerate(flood.get("submissions", []))
    ]
    run = types.SimpleNamespace(
        started_at=run_started, args=types.SimpleNamespace(respondents=args.respondents, fault=True)
    )
    database_problems, database = check_database(run, [*journeys, *extra])
    problems += database_problems

    # -- Generated bad requests
    completed = [j for j in journeys if j.completed]
    before = {
        str(pk): (answers, done)
        for pk, answers, done in Submission.objects.values_list("pk", "answers", "completed_at")
    }
    fuzz = fuzz_through_nginx(topology, args, [j.submission for j in completed[:5]])
    after = {
        str(pk): (answers, done)
        for pk, answers, done in Submission.objects.values_list("pk", "answers", "completed_at")
    }
    # The killed instance, started again, takes its share once more.
    back_at = timeline.wall.get("back", time.time())
    revived = Counter(a["upstream"] for a in topology.access_log() if float(a["msec"]) > back_at)
    if "back" in timeline.events and not revived[killed]:
        problems.append("nginx sent nothing to the restarted instance")
    changed = [
        pk for pk, row in before.items() if after.get(pk) != row and pk != fuzz["in_progress"]
    ]
    if changed:
        problems.append(f"bad requests changed {len(changed)} stored submissions: {changed[:3]}")
    for status, kind, first in fuzz["five_hundreds"][:5]:
        problems.append(f"bad request ({kind}) -> {status} {first!r}")

    # -- Report
    stats = env.stats.total
    print(
        f"\nLocust: {len(locustfile.FINISHED)} of {args.respondents} respondents finished in "
        f"{locust['elapsed']:.1f} s; {stats.num_requests} requests, {stats.num_failures} failures; "
        f"p50 {stats.get_response_time_percentile(0.5):.0f} ms, "
        f"p95 {stats.get_response_time_percentile(0.95):.0f} ms, "
        f"p99 {stats.get_response_time_percentile(0.99):.0f} ms"
    )
    for (name, method), entry in sorted(env.stats.entries.items(), key=lambda e: e[0][0]):
        print(
            f"  {method:<4} {name:<10} {entry.num_requests:>6} requests {entry.num_failures:>3} failed"
            f"  p50 {entry.get_response_time_percentile(0.5):>5.0f} ms"
            f"  p95 {entry.get_response_time_percentile(0.95):>5.0f} ms"
        )
    print(
        f"Start flood at {t.get('flood', 0):.1f} s ({timeline.during.get('flood')} respondents "
        f"answering) from {FLOOD_ADDRESS}: "
        + ", ".join(f"{n} x {s}" for s, n in sorted(flood.get("statuses", {}).items()))
        + "; per instance: "
        + ", ".join(f"{u} {s}: {n}" for (u, s), n in sorted(by_upstream.items()))
        + f"; another address then got {flood.get('other')}"
    )
    if slow:
        kinds = Counter((k, a.decode(errors="replace") or "closed") for k, _, a in slow["results"])
        held = {k: max(h for kk, h, _ in slow["results"] if kk == k) for k, _ in kinds}
        ok = [s for s in during if 200 <= s[3] < 400]
        times = sorted(s[4] for s in ok)
        print(
            f"Slow clients: {len(slow['results'])} from {slow['from'] - zero:.1f} s to "
            f"{slow['to'] - zero:.1f} s; "
            + ", ".join(f"{n} sending {k}: {a}" for (k, a), n in kinds.items())
            + f"; held at most {', '.join(f'{k} {h:.1f} s' for k, h in held.items())}; "
            f"meanwhile {len(ok)} respondent requests served, p95 "
            f"{times[int(0.95 * (len(times) - 1))] if times else float('nan'):.0f} ms"
        )
    print(
        f"Redis restarted at {t.get('redis stopped', 0):.1f} s ({timeline.during.get('redis stopped')} "
        f"respondents answering), away {timeline.redis_away:.1f} s "
        "(rate limits fail open meanwhile)"
    )
    print(
        f"gunicorn 1 killed (SIGKILL, master and workers) at {t.get('kill', 0):.1f} s "
        f"({timeline.during.get('kill')} respondents answering), started again "
        f"at {t.get('restart', 0):.1f} s (serving at {t.get('back', 0):.1f} s): "
        f"{len(hidden)} POSTs in flight on it answered 502 and were resent"
        + (f", last error {last_error:.2f} s in" if last_error is not None else "")
        + f"; afterwards nginx sent it {revived[killed]} requests, the other "
        f"{revived[f'127.0.0.1:{topology.app_ports[1]}']}"
    )
    print(
        f"5xx: {len(errors)} in all, {len(errors) - len(hidden)} outside the kill "
        f"(allowed: 0; at the kill only POSTs already sent to the killed instance)"
    )
    print(
        f"Database: {database['completed']} completed submissions ({args.respondents} expected), "
        f"{database['answers']} answers, each exactly as posted; {database['orphans']} empty "
        f"unfinished ones from Starts whose answer was lost; {len(extra)} from the flood"
    )
    histogram = ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(fuzz["statuses"].items()))
    print(
        f"Bad requests: {fuzz['count']} in {fuzz['seconds']:.1f} s through nginx; status "
        f"histogram {histogram}; stored answers unchanged: {'yes' if not changed else 'NO'}"
    )
    for kind, statuses in sorted(fuzz["by_kind"].items()):
        print(f"  {kind:<22} " + ", ".join(f"{s or '-'}: {n}" for s, n in sorted(statuses.items())))
    print(f"Wall time: {time.perf_counter() - began:.1f} s")
    if problems:
        print(f"\nFAILED: {len(problems)} problems")
        for problem in problems[:25]:
            print("  " + problem)
        for app in topology.apps:
            print(f"{app.name} log ends with:\n{app.tail(15)}")
        return 1
    print("\nPASSED")
    return 0


def check_headers(topology: Topology) -> list[str]:
    """Return what is wrong with the headers: static files nginx's, pages the app's."""
    browser = Browser(topology.nginx_port, "127.0.0.1")
    problems = []
    request = badrequests.request("GET", "/", [("Host", browser.host)])
    _, page, body = browser.exchange(request)
    for header in (b"Content-Security-Policy", b"X-Frame-Options", b"Referrer-Policy"):
        if b"\r\n" + header + b":" not in page:
            problems.append(f"the home page through nginx has no {header.decode()}")
    if re.search(rb"\r\nServer: nginx/", page):
        problems.append("nginx tells its version")
    stylesheet = locustfile.STYLESHEET.search(body.decode())[1]
    _, static, _ = browser.exchange(
        badrequests.request("GET", stylesheet, [("Host", browser.host)])
    )
    cache = re.findall(rb"\r\nCache-Control: ([^\r]*)", static)
    if cache != [b"public, max-age=31536000, immutable"]:
        problems.append(f"{stylesheet} is sent with Cache-Control {cache}")
    return problems


def fuzz_through_nginx(topology: Topology, args: argparse.Namespace, others: list[str]) -> dict:
    """Make a browser with an in-progress and a completed submission; send the bad requests."""
    port = topology.nginx_port
    browser = Browser(port, "127.0.0.252")
    owner = ""

    def start() -> str:
        nonlocal owner
        status, head, _ = browser.exchange(
            badrequests.request(
                "POST",
                "/start/",
                [
                    ("Host", browser.host),
                    ("Origin", f"http://{browser.host}"),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    (
                        "Cookie",
                        f"csrftoken={browser.csrf_cookie}" + (f"; {owner}" if owner else ""),
                    ),
                ],
                "&".join(f"{n}={v}" for n, v in browser.start_form).encode(),
            )
        )
        owner = re.search(rb"Set-Cookie: (mlfit_owner=[^;]+)", head)[1].decode()
        return re.search(rb"\r\nLocation: (\S+)", head)[1].decode().split("/")[2]

    completed = start()
    token = dict(browser.start_form)["csrfmiddlewaretoken"]
    for number in range(1, 6):
        fields = [("csrfmiddlewaretoken", token), ("action", "next")]
        fields += [(f"q{q}", "3") for q in range(40)]
        browser.post(f"/s/{completed}/step/{number}/", fields, owner)
    browser.post(f"/s/{completed}/check/", browser.start_form, owner)
    in_progress = start()
    target = badrequests.Target(
        host(topology), browser.csrf_cookie, token, owner, in_progress, completed, others
    )
    generator = badrequests.Generator(args.seed, target)
    statuses: Counter = Counter()
    by_kind: dict[str, Counter] = {}
    five_hundreds: list = []
    count = 0
    rng_addresses = iter(range(10**9))

    def one(kind: str, raw: bytes) -> None:
        nonlocal count
        n = next(rng_addresses)
        source = f"127.2.{(n // 250) % 250}.{n % 250 + 1}"
        try:
            status, _ = badrequests.send(port, raw, source)
        except OSError:
            status = 0
        count += 1
        statuses[status] += 1
        by_kind.setdefault(kind, Counter())[status] += 1
        if status >= 500:
            five_hundreds.append((status, kind, raw[:300]))

    started = time.perf_counter()
    pool = Pool(16)
    for kind, raw in generator.generate(args.bad_requests):
        pool.spawn(one, kind, raw)
    pool.join()
    return {
        "statuses": statuses,
        "by_kind": by_kind,
        "five_hundreds": five_hundreds,
        "count": count,
        "seconds": time.perf_counter() - started,
        "in_progress": in_progress,
    }


if __name__ == "__main__":
    sys.exit(main())
