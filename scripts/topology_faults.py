"""What scripts/topology.py does to the topology besides the Locust respondents.

A raw-socket client from a chosen loopback address (`RawClient`); a Start
flood from one address; slow clients that send a byte a second; the
`Timeline` that sets the faults off (the flood, the slow clients, a Redis
restart, a gunicorn killed and started again) at moments of the Locust run;
the headers nginx and the app send; and 10,000 generated bad requests
(scripts/badrequests.py) sent through nginx.
"""

from __future__ import annotations

import argparse
import re
import signal
import socket
import time
from collections import Counter

import badrequests
import gevent
import gevent.event
from deployment import START_LIMIT, Topology
from gevent.pool import Pool
from journeys import STYLESHEET, forms_in, hidden_fields
from locustfile import RunState
from servers import wait_for_http

FLOOD_ADDRESS, OTHER_ADDRESS, SLOW_ADDRESS = "127.0.0.250", "127.0.0.251", "127.0.0.240"
FUZZ_ADDRESS = "127.0.0.252"


class RawClient:
    """A minimal client over raw sockets from one address, holding the landing page's Start form."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address = port, address
        self.host = f"127.0.0.1:{port}"
        status, self.landing_head, self.landing = self.get("/")
        self.csrf_cookie = re.search(rb"csrftoken=([^;\s]+)", self.landing_head)[1].decode()
        form = next(f for f in forms_in(self.landing.decode()) if f["action"] == "/start/")
        self.start_form = hidden_fields(form)

    def exchange(self, raw: bytes) -> tuple[int, bytes, bytes]:
        with socket.create_connection(("127.0.0.1", self.port), 20, (self.address, 0)) as conn:
            conn.sendall(raw)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split()[1]), head, body

    def get(self, path: str) -> tuple[int, bytes, bytes]:
        return self.exchange(badrequests.request("GET", path, [("Host", self.host)]))

    def post(self, path: str, fields: list[tuple[str, str]], cookie: str = "") -> tuple[int, bytes]:
        """POST the form with the CSRF cookie (and `cookie`); return the status and the head."""
        body = "&".join(f"{name}={value}" for name, value in fields).encode()
        headers = [
            ("Host", self.host),
            ("Origin", f"http://{self.host}"),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", f"csrftoken={self.csrf_cookie}" + (f"; {cookie}" if cookie else "")),
        ]
        status, head, _ = self.exchange(badrequests.request("POST", path, headers, body))
        return status, head


def started_submission(head: bytes) -> str:
    """Return the submission id a Start's redirect names ("" if it did not redirect)."""
    location = re.search(rb"\r\nLocation: (\S+)", head)
    return location[1].decode().split("/")[2] if location else ""


def start_flood(port: int, starts: int) -> dict:
    """Press Start `starts` times from one address, without cookies to reuse; then from another."""
    flood = RawClient(port, FLOOD_ADDRESS)
    statuses, submissions = Counter(), []

    def one(_: int) -> None:
        status, head = flood.post("/start/", flood.start_form)
        statuses[status] += 1
        if status == 302:
            submissions.append(started_submission(head))

    Pool(10).map(one, range(starts))  # ten at a time: the counter in Redis is atomic
    other = RawClient(port, OTHER_ADDRESS)
    other_status, head = other.post("/start/", other.start_form)
    if other_status == 302:
        submissions.append(started_submission(head))
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

    def __init__(self, topology: Topology, args: argparse.Namespace, state: RunState) -> None:
        self.topology, self.args, self.state = topology, args, state
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
        self.during[name] = self.args.respondents - self.state.finished

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
        while self.state.finished < wanted:
            gevent.sleep(0.05)
        self.mark("kill")
        self.topology.apps[0].kill(signal.SIGKILL)
        self.topology.apps[0].popen.wait()
        gevent.sleep(10)
        self.mark("restart")
        self.topology.apps[0].start()
        wait_for_http(self.topology.app_ports[0], "/health/", self.topology.apps[0])
        self.mark("back")


def check_headers(topology: Topology) -> list[str]:
    """Return what is wrong with the headers: static files nginx's, pages the app's."""
    client = RawClient(topology.nginx_port, "127.0.0.1")
    problems = []
    page = client.landing_head
    for header in (b"Content-Security-Policy", b"X-Frame-Options", b"Referrer-Policy"):
        if b"\r\n" + header + b":" not in page:
            problems.append(f"the home page through nginx has no {header.decode()}")
    if re.search(rb"\r\nServer: nginx/", page):
        problems.append("nginx tells its version")
    stylesheet = STYLESHEET.search(client.landing.decode())[1]
    _, static, _ = client.get(stylesheet)
    cache = re.findall(rb"\r\nCache-Control: ([^\r]*)", static)
    if cache != [b"public, max-age=31536000, immutable"]:
        problems.append(f"{stylesheet} is sent with Cache-Control {cache}")
    return problems


def fuzz_through_nginx(topology: Topology, args: argparse.Namespace, others: list[str]) -> dict:
    """Make a client with an in-progress and a completed submission; send the bad requests."""
    port = topology.nginx_port
    client = RawClient(port, FUZZ_ADDRESS)
    owner = ""

    def start() -> str:
        nonlocal owner
        _, head = client.post("/start/", client.start_form, owner)
        owner = re.search(rb"Set-Cookie: (mlfit_owner=[^;]+)", head)[1].decode()
        return started_submission(head)

    completed = start()
    token = dict(client.start_form)["csrfmiddlewaretoken"]
    for number in range(1, 6):
        fields = [("csrfmiddlewaretoken", token), ("action", "next")]
        fields += [(f"q{q}", "3") for q in range(40)]
        client.post(f"/s/{completed}/step/{number}/", fields, owner)
    client.post(f"/s/{completed}/check/", client.start_form, owner)
    in_progress = start()
    target = badrequests.Target(
        topology.host, client.csrf_cookie, token, owner, in_progress, completed, others
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
