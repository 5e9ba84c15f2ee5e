"""Benchmark: what mlfit's pages cost, against a trivial view and against django-survey-and-report.

    scripts/with-postgres .venv/bin/python scripts/benchmark.py [--rounds 3] [--duration 5]
        [--skip-scale] [--scale-count 100000] [--json FILE]

(`make benchmark` runs it.) It serves mlfit under gunicorn in production mode
(debug off, a generated secret key, 2 sync workers on a free loopback port)
on the PostgreSQL database that DATABASE_URL names, and, on another port and
its own database in the same throwaway cluster, django-survey-and-report
(the comparison project in scripts/peer/, installed into .benchmark/peer-venv),
seeded with a survey of the same shape: 5 categories x 6 five-point radio
questions, one category per page.

1. Per request. In interleaved rounds, every endpoint of both apps in turn is
   loaded with wrk for a few seconds: requests/s, p50 latency, and CPU time per
   request of gunicorn's master and workers (and of PostgreSQL's processes),
   read from /proc before and after. Each app's figures are also given as a
   ratio to its own trivial view in the same round, and mlfit's over the
   peer's. Every answer in a measured interval must have the expected status.
2. Scale. On PostgreSQL and on SQLite, mlfit's admin (the submission list,
   a submission, the statistics page cached and computed afresh), results page
   and CSV export with N generated submissions (manage.py generate_submissions),
   against the same pages on a near-empty database in the same run; storage
   per submission; the time to generate them.

Nothing is asserted on speed: machines are shared and noisy, so the script
only prints. Ratios within one run are what to compare.

Exit status: 0 when every measurement was made, 1 when one went wrong (an
unexpected status, a worker that died), 2 when the run cannot start,
130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import io
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

# Shared with the load test: the production-mode environment, the free port, the
# gunicorn process handling, the "cannot run" error, the paths and the form parser.
from journeys import RESULTS_PATH, RESUME_PATH, STEP_PATH, RespondentFailed, forms_in, hidden_fields
from journeys import form_posting_to as form_in
from servers import Server, SetupError, free_port, server_environment

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / ".benchmark"
PEER_DIR = ROOT / "scripts" / "peer"
PEER_VENV = WORK_DIR / "peer-venv"
WORKERS = 2
TRIVIAL_PATH = "/health/"
ADMIN_LIST_PATH = "/admin/assessments/submission/"
ADMIN_CHANGE_PATH = "/admin/assessments/submission/{id}/change/"
EXPORT_PATH = "/admin/assessments/submission/export/"
STATISTICS_PATH = "/admin/statistics/"
# Each a filter that keeps every submission but makes its own cache key, so that
# each GET computes the statistics afresh.
FRESH_STATISTICS = [f"{STATISTICS_PATH}?started_to=2099-01-{day:02d}" for day in range(1, 6)]
SUPERUSER = "bench"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
STORAGE_SAMPLE = 10_000
CLOCK_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


class BenchmarkFailed(Exception):
    """A measurement went wrong: an unexpected status, a dead worker. Exit with status 1."""


def say(text: str) -> None:
    """Print progress on stderr, so that stdout holds only the report."""
    print(f"[benchmark] {text}", file=sys.stderr, flush=True)


def run(command: list, *, cwd: Path = ROOT, env: dict | None = None) -> str:
    """Run a command to completion and return its output; raise SetupError if it fails."""
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        shown = " ".join(str(part) for part in command)
        raise SetupError(f"`{shown}` failed:\n{done.stdout}{done.stderr}".rstrip())
    return done.stdout


def manage(env: dict, *arguments: str) -> str:
    """Run one of mlfit's management commands with `env`; return its output."""
    return run([sys.executable, "manage.py", *arguments], env=env)


# -- A visitor over real HTTP -----------------------------------------------------------


@dataclass
class Reply:
    """An answer, read whole."""

    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        """Return the path a redirect points to ("" if none)."""
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path


class Browser:
    """One visitor: a cookie jar, forms sent with an Origin header, no redirects followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies = CookieJar()

    def open(self, method: str, path: str, form: list | None = None) -> http.client.HTTPResponse:
        """Send a request and return the response unread (for streaming); cookies are kept."""
        request = urllib.request.Request(self.origin + path, method=method)
        self.cookies.add_cookie_header(request)
        headers = {"User-Agent": "mlfit-benchmark", "Accept": "text/html"}
        if request.has_header("Cookie"):
            headers["Cookie"] = request.get_header("Cookie")
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        self.cookies.extract_cookies(response, request)
        return response

    def send(self, method: str, path: str, form: list | None = None, expect: int = 200) -> Reply:
        """Send a request, read the answer, and fail unless its status is `expect`."""
        response = self.open(method, path, form)
        reply = Reply(response.status, response.headers, response.read().decode("utf-8", "replace"))
        response.close()
        if reply.status != expect:
            raise BenchmarkFailed(
                f"{method} {path}: got {reply.status} {reply.location}, expected {expect}"
            )
        return reply

    def cookie_header(self) -> str:
        """Return the Cookie header this browser sends, for wrk to send the same."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)

    def csrf_token(self) -> str:
        """Return the CSRF cookie's value, which Django also accepts in X-CSRFToken."""
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")


def form_posting_to(page: Reply, action: str) -> dict:
    """Return the page's form whose action is `action`; raise RespondentFailed if none.

    RespondentFailed (from scripts/journeys.py, as is hidden_fields) fails the
    benchmark as BenchmarkFailed does.
    """
    return form_in(page.body, action, "the page")


def answer_form(form: dict) -> list[tuple[str, str]]:
    """Return what a browser sends for a step form: its hidden fields and one choice per radio group.

    The radio groups and their values are read from the page, not assumed.
    """
    fields = hidden_fields(form)
    groups: dict[str, list[str]] = {}
    for name, kind, value in form["fields"]:
        if kind == "radio":
            groups.setdefault(name, []).append(value)
    if not groups:
        raise BenchmarkFailed(f"no radio buttons in the form posting to {form['action']}")
    # A spread of answers, the same every run.
    fields += [
        (name, values[(2 * i + 1) % len(values)]) for i, (name, values) in enumerate(groups.items())
    ]
    return fields


def radio_groups(fields: list[tuple[str, str]]) -> list[str]:
    """Return the names of the answered radio groups among `fields` (for the report)."""
    return [name for name, _ in fields if name not in {"csrfmiddlewaretoken", "action"}]


# -- The two apps under gunicorn --------------------------------------------------------


class Gunicorn(Server):
    """gunicorn with 2 sync workers on a free loopback port.

    Starts any WSGI app with any Python; workers(), log_tail() and stop() are
    scripts/servers.py's, as the load test's gunicorn.
    """

    def __init__(
        self, python: Path | str, app: str, cwd: Path, env: dict, log: Path, timeout: int
    ) -> None:
        self.port = free_port()
        self.log_path = log
        options = (
            f"--bind 127.0.0.1:{self.port} --workers {WORKERS} -k sync --timeout {timeout} "
            "--no-control-socket --graceful-timeout 5 --log-level warning"
        )
        command = [str(python), "-m", "gunicorn", app, *options.split()]
        self.start(command, cwd, env, TRIVIAL_PATH)

    def is_ready(self) -> bool:
        """Both workers are up: a round must not measure one of them starting."""
        return len(self.workers()) == WORKERS


def serve_mlfit(env: dict, log: Path, args: argparse.Namespace) -> Gunicorn:
    """Start mlfit under gunicorn with `env` (its database), logging to `log`."""
    return Gunicorn(sys.executable, "mlfit.wsgi:application", ROOT, env, log, args.gunicorn_timeout)


@contextlib.contextmanager
def logs_on_failure(*servers: Gunicorn) -> Iterator[None]:
    """Add the end of each server's log to a BenchmarkFailed raised in the block."""
    try:
        yield
    except (BenchmarkFailed, RespondentFailed) as error:
        tails = "".join(f"\n--- {s.log_path.name} ends with:\n{s.log_tail(15)}" for s in servers)
        raise BenchmarkFailed(f"{error}{tails}") from error


@dataclass
class Endpoint:
    """One thing wrk loads: a request, sent again and again, and the status it must get."""

    app: str
    name: str
    path: str
    expect: int = 200
    method: str = "GET"
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Return e.g. "mlfit step GET"."""
        return f"{self.app} {self.name}"

    @property
    def shown_path(self) -> str:
        """Return the path with submission ids blanked out, for the report."""
        return UUID.sub("<id>", self.path)


@dataclass
class App:
    """One app under test: its server, its endpoints, and what the report says was sent."""

    name: str
    server: Gunicorn
    endpoints: list[Endpoint]
    notes: list[str] = field(default_factory=list)


def cookie_headers(browser: Browser) -> dict[str, str]:
    """Headers of a browser's GET: its cookies."""
    return {"Cookie": browser.cookie_header()}


def post_headers(browser: Browser) -> dict[str, str]:
    """Headers of a browser's form POST, with the CSRF token in a header as well as in the body."""
    return {
        "Cookie": browser.cookie_header(),
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": browser.origin,
        "X-CSRFToken": browser.csrf_token(),
    }


def start_submission(port: int) -> tuple[Browser, str]:
    """Go through mlfit's landing page and Start as a new visitor; return the browser and step 1."""
    browser = Browser(port)
    landing = browser.send("GET", "/")
    started = browser.send(
        "POST", "/start/", hidden_fields(form_posting_to(landing, "/start/")), 302
    )
    if not STEP_PATH.match(started.location):
        raise BenchmarkFailed(f"POST /start/ redirected to {started.location}, not to step 1")
    return browser, started.location


def answer_step(browser: Browser, path: str) -> tuple[list[tuple[str, str]], Reply]:
    """Read an mlfit step page and post it with every statement answered and Next."""
    page = browser.send("GET", path)
    answers = [*answer_form(form_posting_to(page, path)), ("action", "next")]
    return answers, browser.send("POST", path, answers, 302)


def complete_submission(port: int) -> tuple[Browser, str]:
    """Answer every step of mlfit's questionnaire and confirm, as a new visitor; return the results path."""
    browser, path = start_submission(port)
    for number in range(1, 100):
        _, posted = answer_step(browser, path)
        if RESUME_PATH.match(posted.location):
            check = browser.send("GET", posted.location, expect=302).location
            page = browser.send("GET", check)
            confirmed = browser.send(
                "POST", check, hidden_fields(form_posting_to(page, check)), 302
            )
            if not RESULTS_PATH.match(confirmed.location):
                raise BenchmarkFailed(f"Confirm redirected to {confirmed.location}")
            browser.send("GET", confirmed.location)
            return browser, confirmed.location
        following = STEP_PATH.match(posted.location)
        if not following or int(following["number"]) != number + 1:
            raise BenchmarkFailed(f"step {number} POST redirected to {posted.location}")
        path = posted.location
    raise BenchmarkFailed("the questionnaire never ended")


def step_endpoints(
    app: str, path: str, browser: Browser, answers: list[tuple[str, str]]
) -> tuple[Endpoint, Endpoint]:
    """Return a step page's GET, and its POST of `answers` again (302), with the browser's cookies."""
    return (
        Endpoint(app, "step GET", path, headers=cookie_headers(browser)),
        Endpoint(
            app,
            "step POST",
            path,
            expect=302,
            method="POST",
            body=urllib.parse.urlencode(answers),
            headers=post_headers(browser),
        ),
    )


def mlfit_endpoints(port: int) -> tuple[list[Endpoint], list[str]]:
    """Do the real flow with a Python client, then return what wrk is to send, and notes."""
    trivial = Endpoint("mlfit", "trivial", TRIVIAL_PATH)
    Browser(port).send("GET", TRIVIAL_PATH)
    landing = Endpoint("mlfit", "landing", "/")
    # Step 1 of a submission this browser started, answered once: every POST is an update.
    browser, step = start_submission(port)
    answers, posted = answer_step(browser, step)
    if not STEP_PATH.match(posted.location):
        raise BenchmarkFailed(f"step 1 POST redirected to {posted.location}, not to step 2")
    step_get, step_post = step_endpoints("mlfit", step, browser, answers)
    finished, results = complete_submission(port)
    results_get = Endpoint("mlfit", "results", results, headers=cookie_headers(finished))
    groups = radio_groups(answers)
    notes = [
        f"mlfit: landing as a new visitor (no cookies); step 1 of a submission this run "
        f"started, GET and POST with its session ({len(groups)} radio groups read from the "
        f"page: {', '.join(groups)}; POST = the same answers again, action=next, 302 to "
        f"step 2); the results page of a completed submission, with its respondent's cookies."
    ]
    return [trivial, landing, step_get, step_post, results_get], notes


def peer_endpoints(port: int, survey: str) -> tuple[list[Endpoint], list[str]]:
    """Do django-survey-and-report's real flow, then return what wrk is to send, and notes.

    Its first category page is /survey/<id>/ (step 0; the form posts to the same
    URL). A valid POST keeps the page's answers in the session and redirects
    to /survey/<id>-1/; answers are written to the database only after the
    last page. See survey/views/survey_detail.py in the package.
    """
    Browser(port).send("GET", TRIVIAL_PATH)
    browser = Browser(port)
    step = f"/survey/{survey}/"
    page = browser.send("GET", step)
    answers = answer_form(form_posting_to(page, step))
    posted = browser.send("POST", step, answers, 302)
    if posted.location != f"/survey/{survey}-1/":
        raise BenchmarkFailed(f"peer step POST redirected to {posted.location}")
    groups = radio_groups(answers)
    notes = [
        f"peer ({peer_versions()}; scripts/peer/: startproject's settings and middleware, "
        f"DEBUG off, sessions in the database): the first category page {step} of the seeded "
        f"survey, GET and POST with the session its first POST created ({len(groups)} radio groups read from the page; POST = "
        f"the same answers again, kept in the session, 302 to /survey/{survey}-1/)."
    ]
    return [
        Endpoint("peer", "trivial", TRIVIAL_PATH),
        *step_endpoints("peer", step, browser, answers),
    ], notes


# -- Preparing both apps ----------------------------------------------------------------


def check_prerequisites() -> tuple[str, Path]:
    """Return the PostgreSQL URL and data directory; make sure wrk and gunicorn are there."""
    url = os.environ.get("DATABASE_URL", "")
    data = os.environ.get("MLFIT_PG_DATA", "")
    if not url.startswith(("postgres://", "postgresql://")) or not data:
        raise SetupError(
            "the benchmark needs the throwaway PostgreSQL cluster of scripts/with-postgres "
            "(it creates and drops databases in it and reads its processes' CPU time). Run\n"
            "  scripts/with-postgres .venv/bin/python scripts/benchmark.py   (or make benchmark)"
        )
    try:
        import gunicorn  # noqa: F401
        import psycopg2  # noqa: F401
    except ImportError as error:
        raise SetupError(f"{error.name} is not installed: pip install -e '.[test]'") from error
    if shutil.which("wrk") is None:
        if os.geteuid() != 0:
            raise SetupError("wrk is not installed: sudo apt-get install wrk")
        say("installing wrk with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env).returncode != 0:
            run(["apt-get", "update", "-q"], env=env)
            run(["apt-get", "install", "-y", "-q", "wrk"], env=env)
    return url, Path(data)


def database_url(url: str, name: str) -> str:
    """Return `url` with its database name replaced by `name`."""
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()


def recreate_database(url: str, name: str) -> str:
    """Drop and create database `name` in the cluster `url` points at; return its URL."""
    import psycopg2

    with contextlib.closing(psycopg2.connect(url)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    return database_url(url, name)


def prepare_mlfit(url: str) -> dict:
    """Migrate mlfit's database, load the questionnaire, collect static files; return the env."""
    env = {**server_environment(), "DATABASE_URL": url}
    manage(env, "migrate", "--noinput")
    manage(env, "load_questionnaire")
    # Production mode serves hashed static files from a manifest.
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return env


def peer_python() -> Path:
    """Return the peer's virtualenv Python, creating the virtualenv if its pins changed."""
    requirements = PEER_DIR / "requirements.txt"
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / ".installed"
    wanted = requirements.read_text()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    say(f"installing django-survey-and-report into {PEER_VENV.relative_to(ROOT)}")
    if not python.exists():
        run([sys.executable, "-m", "venv", PEER_VENV])
    run([python, "-m", "pip", "install", "--quiet", "-r", requirements])
    stamp.write_text(wanted)
    return python


def prepare_peer(url: str) -> tuple[Path, dict, str]:
    """Install, migrate and seed the comparison project; return its Python, env and survey id."""
    python = peer_python()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peer_site.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": recreate_database(url, "mlfit_peer"),
    }
    run([python, "manage.py", "migrate", "--noinput"], cwd=PEER_DIR, env=env)
    survey = run([python, "manage.py", "seed_survey"], cwd=PEER_DIR, env=env).strip()
    return python, env, survey


def peer_versions() -> str:
    """Return the pinned versions of the peer and its Django, e.g. "1.5.0, Django 5.2.19"."""
    pins = dict(re.findall(r"^([\w-]+)==(\S+)", (PEER_DIR / "requirements.txt").read_text(), re.M))
    return f"django-survey-and-report {pins['django-survey-and-report']}, Django {pins['Django']}"


# -- CPU time from /proc ---------------------------------------------------------------


def tree_ticks(root: int) -> tuple[int, frozenset[int]]:
    """Return the CPU clock ticks of process `root` and all its descendants, and their ids.

    user + system time of every process in the tree, plus what `root` got from
    children it reaped (a worker replaced mid-interval still counts).
    """
    stats: dict[int, tuple[int, int, int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(stat.parent.name)] = (
            int(fields[1]),
            int(fields[11]) + int(fields[12]),
            int(fields[13]) + int(fields[14]),
        )
    if root not in stats:
        raise BenchmarkFailed(f"process {root} is gone")
    tree = {root}
    while True:
        more = {pid for pid, (parent, _, _) in stats.items() if parent in tree} - tree
        if not more:
            break
        tree |= more
    return sum(stats[pid][1] for pid in tree) + stats[root][2], frozenset(tree)


def postmaster_pid(data: Path) -> int:
    """Return the process id of the PostgreSQL server running on `data`."""
    return int((data / "postmaster.pid").read_text().split()[0])


# -- wrk --------------------------------------------------------------------------------

WRK_SCRIPT = string.Template(
    """-- Written by scripts/benchmark.py: one request, and a count of the statuses answered.
wrk.method = $method
wrk.body = $body
$headers
local expected = $expect
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  good, bad, other = 0, 0, 0
end

function response(status, headers, body)
  if status == expected then
    good = good + 1
  else
    bad = bad + 1
    other = status
  end
end

function done(summary, latency, requests)
  local good, bad, other = 0, 0, 0
  for _, thread in ipairs(threads) do
    good = good + thread:get("good")
    bad = bad + thread:get("bad")
    if thread:get("other") ~= 0 then other = thread:get("other") end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCHMARK requests=%.0f duration_us=%.0f p50_us=%.0f good=%.0f bad=%.0f other=%.0f " ..
    "connect=%.0f read=%.0f write=%.0f timeout=%.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), good, bad, other,
    e.connect, e.read, e.write, e.timeout))
end
"""
)


def lua_string(text: str | None) -> str:
    """Return `text` as a Lua string literal (nil for None)."""
    if text is None:
        return "nil"
    escaped = "".join(
        char if char.isascii() and char.isprintable() and char not in '"\\' else f"\\{ord(char)}"
        for char in text
    )
    return f'"{escaped}"'


@dataclass
class Figures:
    """One endpoint in one round."""

    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    cpu_ms: float  # gunicorn master + workers, per request
    pg_cpu_ms: float  # PostgreSQL's processes, per request


def run_wrk(endpoint: Endpoint, port: int, seconds: int, connections: int, tmp: Path) -> dict:
    """Load one endpoint with wrk; return its summary, failing unless every status was expected."""
    script = tmp / f"{endpoint.app}-{endpoint.name.replace(' ', '-')}.lua"
    script.write_text(
        WRK_SCRIPT.substitute(
            method=lua_string(endpoint.method),
            body=lua_string(endpoint.body),
            headers="\n".join(
                f"wrk.headers[{lua_string(name)}] = {lua_string(value)}"
                for name, value in endpoint.headers.items()
            ),
            expect=endpoint.expect,
        )
    )
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(script), f"http://127.0.0.1:{port}{endpoint.path}"]
    done = subprocess.run(command, capture_output=True, text=True)
    output = done.stdout + done.stderr
    match = re.search(r"^BENCHMARK (.*)$", output, re.MULTILINE)
    if done.returncode != 0 or match is None:
        raise BenchmarkFailed(f"wrk failed on {endpoint.label}:\n{output}")
    summary = {key: float(value) for key, value in re.findall(r"(\w+)=([\d.]+)", match[1])}
    problems = []
    if non_2xx_3xx := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        problems.append(f"{non_2xx_3xx[1]} non-2xx or 3xx responses")
    if summary["bad"]:
        problems.append(
            f"{summary['bad']:.0f} answers were not {endpoint.expect} (one was {summary['other']:.0f})"
        )
    errors = {k: summary[k] for k in ("connect", "read", "write", "timeout") if summary[k]}
    if errors:
        problems.append(f"socket errors {errors}")
    if not summary["requests"]:
        problems.append("no request answered")
    if problems:
        raise BenchmarkFailed(
            f"{endpoint.label} {endpoint.method} {endpoint.shown_path}: {'; '.join(problems)}"
        )
    return summary


def measure(endpoint: Endpoint, app: App, args: argparse.Namespace, pg: int, tmp: Path) -> Figures:
    """Load one endpoint for args.duration seconds; return its figures."""
    ticks, tree = tree_ticks(app.server.process.pid)
    pg_ticks, _ = tree_ticks(pg)
    summary = run_wrk(endpoint, app.server.port, args.duration, args.connections, tmp)
    ticks_after, tree_after = tree_ticks(app.server.process.pid)
    pg_ticks_after, _ = tree_ticks(pg)
    if tree_after != tree:
        raise BenchmarkFailed(
            f"{endpoint.label}: gunicorn's workers changed while it was measured "
            f"({sorted(tree)} -> {sorted(tree_after)}):\n{app.server.log_tail()}"
        )
    requests = int(summary["requests"])
    seconds = summary["duration_us"] / 1e6
    return Figures(
        requests=requests,
        seconds=seconds,
        requests_per_s=requests / seconds,
        p50_ms=summary["p50_us"] / 1000,
        cpu_ms=(ticks_after - ticks) * CLOCK_TICK_MS / requests,
        pg_cpu_ms=(pg_ticks_after - pg_ticks) * CLOCK_TICK_MS / requests,
    )


def run_rounds(apps: list[App], args: argparse.Namespace, pg: int, tmp: Path) -> list[dict]:
    """Warm every endpoint up, then measure them all in turn, round after round.

    Returns one {endpoint label: Figures} per round. The apps take turns going
    first, so that neither always runs on a machine the other has just warmed.
    """
    say(f"warming up: {args.warmup} s per endpoint")
    for app in apps:
        for endpoint in app.endpoints:
            run_wrk(endpoint, app.server.port, args.warmup, args.connections, tmp)
    rounds = []
    for number in range(args.rounds):
        figures = {}
        for app in apps if number % 2 == 0 else reversed(apps):
            for endpoint in app.endpoints:
                figures[endpoint.label] = measure(endpoint, app, args, pg, tmp)
        say(
            f"round {number + 1}/{args.rounds}: "
            + ", ".join(f"{label} {f.requests_per_s:.0f}/s" for label, f in figures.items())
        )
        rounds.append(figures)
    return rounds


# -- Scale: N submissions on PostgreSQL and SQLite --------------------------------------

QUERY_COUNTS = """
import json, os
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

admin = Client(HTTP_HOST="127.0.0.1")
admin.force_login(
    get_user_model().objects.get(username=os.environ["BENCHMARK_USER"]),
    backend="django.contrib.auth.backends.ModelBackend",
)
counts = {}
for name, (path, as_admin) in json.loads(os.environ["BENCHMARK_PAGES"]).items():
    client = admin if as_admin else Client(HTTP_HOST="127.0.0.1")
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    counts[name] = len(queries) if status == 200 else f"status {status}"
print("BENCHMARK " + json.dumps(counts))
"""


def query_counts(env: dict, pages: dict[str, tuple[str, bool]]) -> dict[str, int]:
    """Return the SQL queries each page makes, counted in a Django test client (second request)."""
    output = manage(
        {**env, "BENCHMARK_USER": SUPERUSER, "BENCHMARK_PAGES": json.dumps(pages)},
        "shell",
        "-c",
        QUERY_COUNTS,
    )
    counts = json.loads(re.search(r"^BENCHMARK (.*)$", output, re.MULTILINE)[1])
    for name, count in counts.items():
        if not isinstance(count, int):
            raise BenchmarkFailed(f"counting the queries of {name}: {count}")
    return counts


def timed_ms(browser: Browser, path: str, repeat: int = 5) -> float:
    """Return the median time in ms of `repeat` GETs of `path`, after one warm-up GET."""
    browser.send("GET", path)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        browser.send("GET", path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def once_ms(browser: Browser, path: str) -> float:
    """Return the time in ms of one GET of `path`."""
    started = time.perf_counter()
    browser.send("GET", path)
    return (time.perf_counter() - started) * 1000


def admin_login(port: int, password: str) -> Browser:
    """Log in to the admin as the benchmark's superuser, through the login form with CSRF."""
    browser = Browser(port)
    page = browser.send("GET", "/admin/login/?next=/admin/")
    form = next(
        (f for f in forms_in(page.body) if any(n == "username" for n, _, _ in f["fields"])), None
    )
    if form is None:
        raise BenchmarkFailed("no login form on /admin/login/")
    fields = [*hidden_fields(form), ("username", SUPERUSER), ("password", password)]
    if not any(name == "next" for name, _ in fields):
        fields.append(("next", "/admin/"))
    logged_in = browser.send("POST", "/admin/login/?next=/admin/", fields, 302)
    if logged_in.location != "/admin/":
        raise BenchmarkFailed(f"admin login redirected to {logged_in.location}, not /admin/")
    return browser


def database_size(url: str) -> int:
    """Return the database's size in bytes, after VACUUM ANALYZE and a CHECKPOINT (or its file's)."""
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    import psycopg2

    with contextlib.closing(psycopg2.connect(url)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]


def generate(env: dict, count: int, seed: int) -> float:
    """Add `count` submissions with manage.py generate_submissions; return the wall time."""
    started = time.perf_counter()
    manage(env, "generate_submissions", "--count", str(count), "--seed", str(seed))
    return time.perf_counter() - started


def process_memory(pid: int) -> dict[str, int]:
    """Return VmRSS and VmHWM of a process, in kB (empty if it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {key: int(value) for key, value in re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.M)}


@contextlib.contextmanager
def rss_watch(pids: list[int], every: float = 0.01) -> Iterator[dict[int, int]]:
    """Poll the workers' VmRSS while the block runs; yield {pid: peak kB}, filled when it ends."""
    peaks = {pid: 0 for pid in pids}
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            for pid in pids:
                peaks[pid] = max(peaks[pid], process_memory(pid).get("VmRSS", 0))
            stop.wait(every)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        yield peaks
    finally:
        stop.set()
        poller.join()


def measure_export(browser: Browser, server: Gunicorn, expected_rows: int) -> dict:
    """Download the full CSV export; return its time, rows/s and the serving worker's memory."""
    workers = sorted(server.workers())
    before = {pid: (tree_ticks(pid)[0], process_memory(pid)) for pid in workers}
    with rss_watch(workers) as peaks:
        started = time.perf_counter()
        response = browser.open("GET", EXPORT_PATH)
        first_byte = time.perf_counter() - started
        if response.status != 200 or "csv" not in response.headers.get("Content-Type", ""):
            raise BenchmarkFailed(
                f"GET {EXPORT_PATH}: {response.status} {response.headers.get('Content-Type')}"
            )
        rows = 0
        columns = None
        for row in csv.reader(io.TextIOWrapper(response, encoding="utf-8", newline="")):
            if columns is None:
                columns = len(row)
            elif len(row) != columns:
                raise BenchmarkFailed(f"CSV row {rows + 1} has {len(row)} columns, not {columns}")
            else:
                rows += 1
        seconds = time.perf_counter() - started
        response.close()
    if rows != expected_rows:
        raise BenchmarkFailed(f"the export held {rows} rows, the database {expected_rows}")
    served_by = max(workers, key=lambda pid: tree_ticks(pid)[0] - before[pid][0])
    after = process_memory(served_by)
    return {
        "rows": rows,
        "columns": columns,
        "seconds": seconds,
        "first_byte_s": first_byte,
        "rows_per_s": rows / seconds,
        "worker_rss_before_mb": before[served_by][1].get("VmRSS", 0) / 1024,
        "worker_rss_peak_mb": peaks[served_by] / 1024,
        "worker_hwm_before_mb": before[served_by][1].get("VmHWM", 0) / 1024,
        "worker_hwm_after_mb": after.get("VmHWM", 0) / 1024,
    }


def scale_run(backend: str, url: str, args: argparse.Namespace, tmp: Path) -> dict:
    """Measure mlfit's admin, results and export near-empty and with args.scale_count submissions."""
    password = secrets.token_urlsafe(24)
    env = {**prepare_mlfit(url), "DJANGO_SUPERUSER_PASSWORD": password}
    manage(
        env, "createsuperuser", "--noinput", "--username", SUPERUSER, "--email", "bench@example.org"
    )
    server = serve_mlfit(env, tmp / f"scale-{backend}.log", args)
    try:
        with logs_on_failure(server):
            return scale_figures(backend, url, env, password, server, args, tmp)
    finally:
        server.stop()


def scale_figures(
    backend: str,
    url: str,
    env: dict,
    password: str,
    server: Gunicorn,
    args: argparse.Namespace,
    tmp: Path,
) -> dict:
    """Time the pages on the near-empty database, generate the submissions, time them again."""
    respondent, results = complete_submission(server.port)
    submission = RESULTS_PATH.match(results)["id"]
    admin = admin_login(server.port, password)
    pages = {
        "admin list": (ADMIN_LIST_PATH, admin),
        "admin change page": (ADMIN_CHANGE_PATH.format(id=submission), admin),
        "admin statistics": (STATISTICS_PATH, admin),
        "results page": (results, respondent),
    }
    counted = {name: (path, browser is admin) for name, (path, browser) in pages.items()}

    def snapshot() -> dict:
        # wrk -c2 first, so that both workers have served each page once: one
        # second, or ten for the statistics page, whose first view in each worker
        # computes its figures (seconds at 100,000 on SQLite) and must end in time.
        for name, (path, browser) in pages.items():
            warm_up = Endpoint("mlfit", name, path, headers=cookie_headers(browser))
            run_wrk(warm_up, server.port, 10 if path == STATISTICS_PATH else 1, WORKERS, tmp)
        return {
            "ms": {name: timed_ms(browser, path) for name, (path, browser) in pages.items()},
            "queries": query_counts(env, counted),
            "fresh statistics ms": [once_ms(admin, path) for path in FRESH_STATISTICS],
        }

    say(f"scale on {backend}: near-empty database")
    database_size(url)  # On PostgreSQL a VACUUM ANALYZE, as before the figures at scale.
    figures: dict = {"near-empty": snapshot()}
    sample = min(STORAGE_SAMPLE, args.scale_count)
    say(f"scale on {backend}: generating {args.scale_count} submissions")
    size_before = database_size(url)
    first = generate(env, sample, seed=1)
    size_after = database_size(url)
    rest = generate(env, args.scale_count - sample, seed=2) if args.scale_count > sample else 0
    figures["storage"] = {
        "bytes_per_submission": (size_after - size_before) / sample,
        "sample": sample,
    }
    figures["generate"] = {
        "count": args.scale_count,
        "seconds": first + rest,
        "per_s": args.scale_count / (first + rest),
    }
    say(f"scale on {backend}: {args.scale_count} submissions")
    figures["at scale"] = snapshot()
    say(f"scale on {backend}: CSV export")
    figures["export"] = measure_export(admin, server, args.scale_count + 1)
    return figures


# -- The report -------------------------------------------------------------------------


def spread(values: list[float], digits: int | None = None) -> str:
    """Return "min / median / max" of `values`."""
    if not values:
        return "-"
    low, mid, high = min(values), statistics.median(values), max(values)
    if digits is None:
        digits = 0 if mid >= 100 else 1 if mid >= 10 else 2
    return " / ".join(f"{value:.{digits}f}" for value in (low, mid, high))


def ratio(a: float, b: float) -> float:
    """Return a / b, or NaN when b is 0 (no CPU tick seen: the interval was too short)."""
    return a / b if b else float("nan")


def summary(values: list[float]) -> dict[str, float]:
    """Return min, median and max of `values`, for --json."""
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Return aligned lines: the first column to the left, the others to the right."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  " + "   ".join(cells).rstrip())
    return lines


FIGURES = [
    ("requests_per_s", "requests/s"),
    ("p50_ms", "p50 ms"),
    ("cpu_ms", "CPU ms/request"),
    ("pg_cpu_ms", "PostgreSQL CPU ms/req"),
]


def rounds_report(
    apps: list[App], rounds: list[dict], args: argparse.Namespace
) -> tuple[list[str], dict]:
    """Return the per-request tables and their figures for --json."""
    per_round = {
        endpoint.label: [r[endpoint.label] for r in rounds]
        for app in apps
        for endpoint in app.endpoints
    }
    data: dict = {"endpoints": {}, "mlfit_over_peer": {}}
    lines = [
        "",
        f"1. Per request: {args.rounds} interleaved rounds, each endpoint of both apps in turn for "
        f"{args.duration} s (wrk -t1 -c{args.connections})",
        "   CPU ms/request: user + system time of gunicorn's master and workers over the interval "
        "(/proc/<pid>/stat),",
        "   divided by the requests served; PostgreSQL CPU likewise for the cluster's processes.",
    ]
    rows = []
    for app in apps:
        for endpoint in app.endpoints:
            figures = per_round[endpoint.label]
            rows.append(
                [f"{endpoint.label}  {endpoint.method} {endpoint.shown_path}"]
                + [spread([getattr(f, key) for f in figures]) for key, _ in FIGURES]
            )
            data["endpoints"][endpoint.label] = {
                "method": endpoint.method,
                "path": endpoint.shown_path,
                "expected_status": endpoint.expect,
                "rounds": [vars(f) for f in figures],
                **{key: summary([getattr(f, key) for f in figures]) for key, _ in FIGURES},
            }
    lines += table(["endpoint  (min / median / max)", *[title for _, title in FIGURES]], rows)

    lines += ["", "2. Each app against its own trivial view (GET /health/), same round: x trivial"]
    rows = []
    for app in apps:
        trivial = per_round[f"{app.name} trivial"]
        for endpoint in app.endpoints[1:]:
            ratios = {}
            for key, _ in FIGURES[:3]:
                ratios[key] = [
                    ratio(getattr(f, key), getattr(t, key))
                    for f, t in zip(per_round[endpoint.label], trivial, strict=True)
                ]
            rows.append([endpoint.label] + [spread(ratios[key], 2) for key, _ in FIGURES[:3]])
            data["endpoints"][endpoint.label]["x_trivial"] = {
                k: summary(v) for k, v in ratios.items()
            }
    lines += table(["endpoint  (min / median / max)", *[title for _, title in FIGURES[:3]]], rows)

    lines += ["", "3. mlfit over django-survey-and-report, same round (below 1: mlfit costs less)"]
    rows = []
    comparisons = [
        ("CPU per request, step GET", "step GET", False),
        ("CPU per request, step POST", "step POST", False),
        ("CPU per request, trivial view", "trivial", False),
        ("CPU per request, step GET, each over its trivial view", "step GET", True),
        ("CPU per request, step POST, each over its trivial view", "step POST", True),
    ]
    for title, name, relative in comparisons:
        ratios = []
        for number in range(len(rounds)):
            ours = per_round[f"mlfit {name}"][number].cpu_ms
            theirs = per_round[f"peer {name}"][number].cpu_ms
            if relative:
                ours = ratio(ours, per_round["mlfit trivial"][number].cpu_ms)
                theirs = ratio(theirs, per_round["peer trivial"][number].cpu_ms)
            ratios.append(ratio(ours, theirs))
        rows.append([title, spread(ratios, 2)])
        data["mlfit_over_peer"][title] = summary(ratios)
    lines += table(["mlfit / peer", "min / median / max"], rows)
    lines += ["", "   What was sent:"]
    for note in (note for app in apps for note in app.notes):
        lines += textwrap.wrap(note, 100, initial_indent="   ", subsequent_indent="     ")
    return lines, data


def scale_report(results: dict[str, dict], args: argparse.Namespace, timeout: int) -> list[str]:
    """Return the scale table: one column per database."""
    backends = list(results)
    count = f"{args.scale_count:,}"
    lines = [
        "",
        f"4. Scale: {count} submissions from manage.py generate_submissions, each database fresh, "
        "gunicorn 2 sync workers",
    ]

    def row(title: str, show) -> list[str]:
        return [title, *[show(results[b]) for b in backends]]

    def page(when: str, name: str):
        def show(r: dict) -> str:
            ms, queries = r[when]["ms"][name], r[when]["queries"][name]
            times = f" (x{ms / r['near-empty']['ms'][name]:.1f})" if when == "at scale" else ""
            return f"{ms:.1f} ms{times}, {queries} quer{'y' if queries == 1 else 'ies'}"

        return show

    rows = [
        row(
            "storage per submission",
            lambda r: f"{r['storage']['bytes_per_submission']:.0f} bytes",
        ),
        row(
            f"generate {count}",
            lambda r: f"{r['generate']['seconds']:.1f} s ({r['generate']['per_s']:.0f}/s)",
        ),
    ]
    for name in ("admin list", "admin change page", "admin statistics", "results page"):
        rows.append(row(f"{name}, near-empty (1 submission)", page("near-empty", name)))
        rows.append(row(f"{name}, {count}", page("at scale", name)))
    for when, label in (("near-empty", "near-empty (1 submission)"), ("at scale", count)):
        rows.append(
            row(
                f"admin statistics computed afresh, {label}",
                lambda r, when=when: f"{spread(r[when]['fresh statistics ms'])} ms",
            )
        )
    export = [
        ("CSV export: rows x columns", lambda e: f"{e['rows']:,} x {e['columns']}"),
        (
            "CSV export: time (first byte)",
            lambda e: f"{e['seconds']:.1f} s ({e['first_byte_s']:.2f} s)",
        ),
        ("CSV export: rows/s", lambda e: f"{e['rows_per_s']:,.0f}"),
        (
            "CSV export: worker RSS before -> peak",
            lambda e: f"{e['worker_rss_before_mb']:.0f} -> {e['worker_rss_peak_mb']:.0f} MB",
        ),
        (
            "CSV export: worker VmHWM before -> after",
            lambda e: f"{e['worker_hwm_before_mb']:.0f} -> {e['worker_hwm_after_mb']:.0f} MB",
        ),
    ]
    rows += [row(title, lambda r, show=show: show(r["export"])) for title, show in export]
    lines += table(
        ["", *[{"postgresql": "PostgreSQL", "sqlite": "SQLite"}[b] for b in backends]], rows
    )
    sample = next(iter(results.values()))["storage"]["sample"]
    notes = [
        f"Storage: how much the database grew while the first {sample:,} submissions were "
        f"generated, divided by {sample:,}. PostgreSQL: pg_database_size (tables, indexes, "
        "TOAST; not WAL), read after VACUUM ANALYZE and CHECKPOINT each time. SQLite: the file's "
        "size.",
        f"Generate: wall time of the command, run twice ({sample:,}, then the rest), Django's "
        "start-up included.",
        "Page times: median of 5 GETs one at a time, after a warm-up (1 s of wrk -c2, 10 s for "
        "the statistics page, so both workers have served the page, then one GET); near-empty and full come from the same "
        "server and the same submission, each after a VACUUM ANALYZE on PostgreSQL. Queries: a Django test client's second request (the "
        "results page without a session). The statistics page is cached for five minutes "
        "once computed; computed afresh: min / median / max of 5 GETs, each with a filter of "
        "its own so that none is served from the cache.",
        "Export: the full CSV over HTTP, parsed as it arrives; the memory of the worker that "
        "served it, polled every 10 ms.",
    ]
    if slow := [b for b in backends if results[b]["export"]["seconds"] > 30]:
        notes.append(
            f"Note: gunicorn ran with --timeout {timeout}; the export took over 30 s on "
            f"{', '.join(slow)}, which gunicorn's default --timeout 30 would have cut off."
        )
    for note in notes:
        lines += textwrap.wrap(note, 100, initial_indent="   ", subsequent_indent="     ")
    return lines


def machine(pg_version: str) -> dict[str, str]:
    """Return what the figures were measured on: the machine, the versions, the date."""
    import django

    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "cpu": model,
        "load_average": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
        "linux": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg_version,
    }


def machine_line(about: dict[str, str]) -> str:
    """Return the report's first line, from machine()."""
    return (
        f"mlfit benchmark, {about['date']}: {about['cores']} cores ({about['cpu']}), load average "
        f"{about['load_average']}; Linux {about['linux']}, Python {about['python']}, Django "
        f"{about['django']}, PostgreSQL {about['postgresql']}, gunicorn {WORKERS} sync workers."
    )


def postgres_version(url: str) -> str:
    """Return the version of the PostgreSQL server at `url`, e.g. "15.18"."""
    import psycopg2

    with contextlib.closing(psycopg2.connect(url)) as connection:
        version = connection.server_version
    return f"{version // 10000}.{version % 10000}"


# -- The run ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Return the command line's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds of wrk per endpoint and round (default 5)"
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds of wrk per endpoint before the rounds"
    )
    parser.add_argument(
        "--connections", type=int, default=2, help="wrk's connections (default 2, one per worker)"
    )
    parser.add_argument("--skip-scale", action="store_true", help="only the per-request figures")
    parser.add_argument(
        "--scale-count", type=int, default=100_000, help="submissions to generate (default 100000)"
    )
    parser.add_argument(
        "--gunicorn-timeout",
        type=int,
        default=600,
        help="gunicorn's worker --timeout in seconds, long enough for a full export (default 600)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.rounds < 3:
        parser.error("--rounds must be at least 3 (min / median / max)")
    if min(args.duration, args.warmup, args.connections, args.scale_count) < 1:
        parser.error("--duration, --warmup, --connections and --scale-count must be positive")
    return args


def benchmark(args: argparse.Namespace) -> int:
    """Prepare, measure and report; raise SetupError or BenchmarkFailed when it cannot."""
    url, pg_data = check_prerequisites()
    WORK_DIR.mkdir(exist_ok=True)
    started = time.monotonic()
    data: dict = {
        "machine": machine(postgres_version(url)),
        "settings": {
            "rounds": args.rounds,
            "duration_s": args.duration,
            "connections": args.connections,
            "gunicorn_workers": WORKERS,
            "scale_count": None if args.skip_scale else args.scale_count,
        },
    }
    print(machine_line(data["machine"]))
    print(
        "How to read it: compare the ratios, each taken within this run (and within one round);\n"
        "milliseconds and requests/s vary between machines and from run to run on a shared one.\n"
        "Nothing here is a pass or a fail: it only prints."
    )
    with tempfile.TemporaryDirectory(prefix="mlfit-benchmark-") as tmp_name:
        tmp = Path(tmp_name)
        say("preparing mlfit and the comparison project")
        mlfit_env = prepare_mlfit(url)
        peer, peer_env, survey = prepare_peer(url)
        with contextlib.ExitStack() as servers:
            mlfit_server = serve_mlfit(mlfit_env, tmp / "mlfit.log", args)
            servers.callback(mlfit_server.stop)
            peer_log = tmp / "peer.log"
            peer_app = "peer_site.wsgi:application"
            peer_server = Gunicorn(
                peer, peer_app, PEER_DIR, peer_env, peer_log, args.gunicorn_timeout
            )
            servers.callback(peer_server.stop)
            with logs_on_failure(mlfit_server, peer_server):
                apps = [
                    App("mlfit", mlfit_server, *mlfit_endpoints(mlfit_server.port)),
                    App("peer", peer_server, *peer_endpoints(peer_server.port, survey)),
                ]
                rounds = run_rounds(apps, args, postmaster_pid(pg_data), tmp)
        lines, figures = rounds_report(apps, rounds, args)
        data.update(figures)
        print("\n".join(lines), flush=True)
        if args.skip_scale:
            print("\n4. Scale: skipped (--skip-scale).")
        else:
            scale = {
                "postgresql": scale_run(
                    "postgresql", recreate_database(url, "mlfit_scale"), args, tmp
                ),
                "sqlite": scale_run("sqlite", f"sqlite:///{tmp / 'scale.sqlite3'}", args, tmp),
            }
            data["scale"] = scale
            print("\n".join(scale_report(scale, args, args.gunicorn_timeout)), flush=True)
    if args.json:
        args.json.write_text(json.dumps(data, indent=2) + "\n")
        say(f"figures written to {args.json}")
    say(f"done in {(time.monotonic() - started) / 60:.1f} min")
    return 0


def stop_on_sigterm(signum, frame) -> None:
    """Turn SIGTERM into KeyboardInterrupt, so that servers and files are cleaned up."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status (see the module's docstring)."""
    args = parse_args(argv)
    # Ctrl-C and SIGTERM stop the run cleanly, even when started with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        return benchmark(args)
    except SetupError as error:
        print(f"benchmark: cannot run: {error}", file=sys.stderr)
        return 2
    except (BenchmarkFailed, RespondentFailed) as error:
        print(f"benchmark FAILED: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("benchmark: interrupted; servers stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
