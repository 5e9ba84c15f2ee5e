"""Load and fault test: simulated respondents over real HTTP, gunicorn on PostgreSQL.

    scripts/with-postgres .venv/bin/python scripts/loadtest.py [--respondents 200]
        [--concurrency 20] [--fault] [--quiet]

Starts the site under gunicorn on a free loopback port in production mode,
against the PostgreSQL database that DATABASE_URL names, and sends N
respondents through the whole questionnaire (landing, start, every step,
results) with their own cookies and CSRF tokens. Then it checks that there
was no 5xx and that the database holds exactly N completed submissions with
every answer each respondent posted, and prints throughput and latency per
page. The baseline is a static file served by WhiteNoise, measured in the same
run, so the ratios mean something on a shared, noisy machine.

With --fault it restarts PostgreSQL in the middle of the run (it needs the
MLFIT_PG_* variables that scripts/with-postgres exports) and checks that
respondents saw the error page rather than a traceback, that the site serves
again without restarting gunicorn, and that no step was ever half saved.

Exit status: 0 when every check passed, 1 when one failed, 2 when the script
cannot run (no PostgreSQL, gunicorn missing, the server would not start).
"""

from __future__ import annotations

import argparse
import csv
import html
import http.client
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC_PATH = "/static/css/mlfit.css"
PAGE_KINDS = ["landing", "start", "step GET", "step POST", "check GET", "confirm", "results"]
BASELINE = "static"

STEP_PATH = re.compile(r"^/s/(?P<id>[0-9a-f-]{36})/step/(?P<number>\d+)/$")
RESULTS_PATH = re.compile(r"^/results/(?P<id>[0-9a-f-]{36})/$")
RESUME_PATH = re.compile(r"^/s/(?P<id>[0-9a-f-]{36})/$")
CHECK_PATH = re.compile(r"^/s/(?P<id>[0-9a-f-]{36})/check/$")
TAG = re.compile(r"<(form|input)\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
QUESTION_FIELD = re.compile(r"^q(\d+)$")


class SetupError(Exception):
    """The run cannot start: say why and exit with status 2."""


class RespondentFailed(Exception):
    """A respondent could not go on: an unexpected answer from the site."""


# -- What happened: one sample per HTTP request ---------------------------------------


@dataclass
class Sample:
    kind: str
    method: str
    path: str
    start: float
    end: float
    status: int | None  # None when the request raised instead of answering
    error: str = ""
    failed: bool = False  # no answer, a 5xx, or in a fault run a 400 (see Browser._send)
    is_error_page: bool = True  # if failed: was the body one of the project's error pages?

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class Journey:
    """One respondent: what they posted and how far they got."""

    index: int
    submission: str | None = None
    # (step number, {question id: value}) for every step POST sent, retries included,
    # appended before the request goes out.
    posted: list[tuple[int, dict[int, int]]] = field(default_factory=list)
    completed: bool = False
    first_request: float | None = None
    errors: int = 0  # failed requests (see Sample.failed)
    finished_after_lost_answer: bool = False
    failure: str = ""


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.done = 0

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def finished_one(self) -> None:
        with self.lock:
            self.done += 1


# -- A respondent's browser: cookies, CSRF, no redirects followed by itself ----------


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: str, retried: bool):
        self.failed = False
        self.status = status
        self.headers = headers
        self.body = body
        self.retried = retried  # an earlier attempt of this request failed

    def info(self) -> http.client.HTTPMessage:  # what CookieJar.extract_cookies reads
        return self.headers

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path


class Browser:
    """HTTP/1.1 with a cookie jar; in a fault run a failed request is retried after a pause."""

    def __init__(self, run: Run, journey: Journey) -> None:
        self.run = run
        self.journey = journey
        self.origin = f"http://127.0.0.1:{run.port}"
        self.connection = http.client.HTTPConnection("127.0.0.1", run.port, timeout=30)
        self.cookies = CookieJar()

    def close(self) -> None:
        self.connection.close()

    def fetch(self, kind: str, method: str, path: str, form: list | None = None) -> Response:
        retried = False
        give_up = time.perf_counter() + self.run.args.retry_for
        while True:
            response = self._send(kind, method, path, form, retried)
            if response is not None and not response.failed:
                return response
            self.journey.errors += 1
            if not self.run.args.fault or time.perf_counter() > give_up:
                status = response.status if response else "no answer"
                raise RespondentFailed(f"{kind} {method} {path}: {status}")
            # As a person would: wait a moment, then reload (resend the same form).
            time.sleep(self.run.args.retry_pause * random.uniform(0.8, 1.2))
            retried = True

    def _send(
        self, kind: str, method: str, path: str, form: list | None, retried: bool
    ) -> Response | None:
        if self.run.stop.is_set():
            raise RespondentFailed("the run was stopped")
        request = urllib.request.Request(self.origin + path, method=method)
        self.cookies.add_cookie_header(request)
        headers = {"User-Agent": "mlfit-loadtest", "Accept": "text/html"}
        if request.has_header("Cookie"):
            headers["Cookie"] = request.get_header("Cookie")
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        start = time.perf_counter()
        if self.journey.first_request is None:
            self.journey.first_request = start
        try:
            self.connection.request(method, path, body=body, headers=headers)
            raw = self.connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.run.recorder.add(
                Sample(
                    kind, method, path, start, time.perf_counter(), None, repr(error), True, False
                )
            )
            return None
        sample = Sample(kind, method, path, start, time.perf_counter(), raw.status)
        # A database error while Django saves the session after the view is turned
        # into a 400 (SessionInterrupted): in a fault run it is one of the outage's.
        if raw.status >= 500 or (raw.status == 400 and self.run.args.fault):
            sample.failed = True
            # The project's error pages say "Error <status>" above their heading.
            sample.is_error_page = f"Error {raw.status}<" in text and "Traceback" not in text
            sample.error = f"{raw.status} {page_title(text)}"
        self.run.recorder.add(sample)
        response = Response(raw.status, raw.headers, text, retried)
        response.failed = sample.failed
        self.cookies.extract_cookies(response, request)
        return response


def page_title(text: str) -> str:
    match = re.search(r"<title>(.*?)</title>", text, re.DOTALL)
    return html.unescape(match.group(1)).strip() if match else "(no title)"


def forms_in(text: str) -> list[dict]:
    """Return the page's forms as {"action": path, "fields": [(name, type, value)]}."""
    forms: list[dict] = []
    for tag, attributes in TAG.findall(text):
        attrs = {
            name.lower(): html.unescape(a or b or c)
            for name, a, b, c in ATTRIBUTE.findall(attributes)
        }
        if tag.lower() == "form":
            forms.append({"action": attrs.get("action", ""), "fields": []})
        elif forms and "name" in attrs:
            forms[-1]["fields"].append(
                (attrs["name"], attrs.get("type", "text").lower(), attrs.get("value", ""))
            )
    return forms


def hidden_fields(form: dict) -> list[tuple[str, str]]:
    """Return what a browser sends of the form besides the choices: its hidden fields."""
    hidden = [(name, value) for name, kind, value in form["fields"] if kind == "hidden"]
    if not any(name == "csrfmiddlewaretoken" for name, _ in hidden):
        raise RespondentFailed(f"no CSRF token in the form posting to {form['action']}")
    return hidden


def expect(response: Response, status: int, what: str) -> None:
    if response.status != status:
        raise RespondentFailed(f"{what}: got {response.status}, expected {status}")


# -- One respondent's way through the questionnaire -------------------------------------


def respond(run: Run, journey: Journey, delay: float = 0.0) -> None:
    rng = random.Random(f"{run.args.seed}-{journey.index}")
    time.sleep(delay)
    browser = Browser(run, journey)
    try:
        walk(run, journey, browser, rng)
    except RespondentFailed as error:
        journey.failure = str(error)
    except Exception as error:  # a bug here must not hide the others' results
        journey.failure = f"unexpected {error!r}"
    finally:
        browser.close()
        run.recorder.finished_one()


def walk(run: Run, journey: Journey, browser: Browser, rng: random.Random) -> None:
    landing = browser.fetch("landing", "GET", "/")
    expect(landing, 200, "landing")
    expect(browser.fetch(BASELINE, "GET", STATIC_PATH), 200, "static file")
    start_form = next((f for f in forms_in(landing.body) if f["action"] == "/start/"), None)
    if start_form is None:
        raise RespondentFailed("landing: no form posting to /start/")
    started = browser.fetch("start", "POST", "/start/", hidden_fields(start_form))
    started = started if started.status == 302 else None
    if started is None or not STEP_PATH.match(started.location):
        raise RespondentFailed("start: no redirect to step 1")
    journey.submission = STEP_PATH.match(started.location)["id"]
    path = started.location

    while True:
        number = int(STEP_PATH.match(path)["number"])
        page = browser.fetch("step GET", "GET", path)
        expect(page, 200, f"step {number} GET")
        form = next((f for f in forms_in(page.body) if f["action"] == path), None)
        if form is None:
            raise RespondentFailed(f"step {number}: no form posting to {path}")
        questions = sorted(
            {int(m[1]) for name, kind, _ in form["fields"] if (m := QUESTION_FIELD.match(name))}
        )
        if not questions:
            raise RespondentFailed(f"step {number}: no statements on the page")
        values = {question: rng.randint(1, 5) for question in questions}
        journey.posted.append((number, values))
        body = hidden_fields(form)
        body += [(f"q{question}", str(value)) for question, value in values.items()]
        body.append(("action", "next"))
        posted = browser.fetch("step POST", "POST", path, body)
        if posted.status == 409 and posted.retried:
            # The lost attempt had already finished the questionnaire; the results
            # link still works for this browser.
            journey.finished_after_lost_answer = True
            path = f"/results/{journey.submission}/"
            break
        expect(posted, 302, f"step {number} POST")
        path = posted.location
        if RESUME_PATH.match(path):
            path = confirm(browser, path)
            break
        if RESULTS_PATH.match(path):
            break
        next_step = STEP_PATH.match(path)
        if not next_step or int(next_step["number"]) != number + 1:
            raise RespondentFailed(f"step {number} POST redirected to {path}")

    results = browser.fetch("results", "GET", path)
    expect(results, 200, "results")
    if "Your results" not in results.body:
        raise RespondentFailed("results: the page does not show the respondent's results")
    journey.completed = True


def confirm(browser: Browser, resume_path: str) -> str:
    """Follow the last step to the check-answers page and confirm; return the results path."""
    resumed = browser.fetch("check GET", "GET", resume_path)
    expect(resumed, 302, "resume after the last step")
    path = resumed.location
    if RESULTS_PATH.match(path):  # a retried step POST raced a confirm: already finished
        return path
    if not CHECK_PATH.match(path):
        raise RespondentFailed(f"after the last step: sent to {path}, not the check page")
    page = browser.fetch("check GET", "GET", path)
    expect(page, 200, "check answers")
    form = next((f for f in forms_in(page.body) if f["action"] == path), None)
    if form is None:
        raise RespondentFailed("check answers: no Confirm form")
    confirmed = browser.fetch("confirm", "POST", path, hidden_fields(form))
    expect(confirmed, 302, "confirm")
    if not RESULTS_PATH.match(confirmed.location):
        raise RespondentFailed(f"confirm: sent to {confirmed.location}, not the results")
    return confirmed.location


# -- The server under test --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="mlfit.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback, no TLS proxy
        DJANGO_LOG_LEVEL="WARNING",
        # All simulated respondents come from one address: the run measures
        # the site, not the per-client limit on POSTs.
        MLFIT_START_LIMIT="1000000",
        MLFIT_POST_LIMIT="1000000",
    )
    return env


def manage(env: dict[str, str], *command: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SetupError(f"manage.py {' '.join(command)} failed:\n{done.stdout}{done.stderr}")


class Server:
    """gunicorn serving mlfit on 127.0.0.1:port; its output goes to a log file."""

    def __init__(self, args: argparse.Namespace, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log_path = log
        workers = ["-k", "sync"] if args.threads == 1 else ["-k", "gthread"]
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "mlfit.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(args.workers),
            *workers,
            "--threads",
            str(args.threads),
            "--no-control-socket",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        self.start(command, ROOT, env, STATIC_PATH)

    def start(self, command: list[str], cwd: Path, env: dict[str, str], ready_path: str) -> None:
        """Run gunicorn and wait until it serves `ready_path`; stop it if it never does."""
        with open(self.log_path, "w") as out:
            self.process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            self.wait_until_ready(ready_path)
        except BaseException:
            self.stop()
            raise

    def is_ready(self) -> bool:
        """Return whether gunicorn may take requests once it answers (every worker is up)."""
        return True

    def wait_until_ready(self, path: str, seconds: float = 60) -> None:
        give_up = time.monotonic() + seconds
        answer = "no answer"
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                raise SetupError(f"gunicorn exited at start:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", path)
                response = connection.getresponse()
                connection.close()
                if response.status == 200 and self.is_ready():
                    return
                answer = f"{response.status} {response.getheader('Location', '')}"
            except OSError as error:
                answer = repr(error)
            time.sleep(0.2)
        raise SetupError(
            f"gunicorn did not serve {path} within {seconds:.0f} s (last answer: "
            f"{answer}):\n{self.log_tail()}"
        )

    def workers(self) -> set[int]:
        """Return the process ids of gunicorn's workers (children of the master)."""
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.add(int(stat.parent.name))
        return children

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def log_summary(log: Path) -> Counter:
    """Return gunicorn's and Django's log lines, counted, with ids and times blanked out."""
    lines: Counter = Counter()
    for line in log.read_text(errors="replace").splitlines():
        line = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", line)
        line = re.sub(r"^\[[^]]*\] \[\d+\]", "[time] [pid]", line)
        if line.strip():
            lines[line.strip()[:240]] += 1
    return lines


# -- The fault: restart PostgreSQL in the middle of the run ------------------------------


@dataclass
class Fault:
    issued: float = 0.0  # pg_ctl asked to stop (or restart)
    back: float = 0.0  # pg_ctl returned with the server accepting connections
    snapshot_problems: list[str] = field(default_factory=list)
    snapshot_answers: int = 0
    workers_before: set[int] = field(default_factory=set)
    error: str = ""


def pg_ctl(*arguments: str) -> None:
    command = [f"{os.environ['MLFIT_PG_BIN']}/pg_ctl", "-D", os.environ["MLFIT_PG_DATA"]]
    command += arguments
    user = os.environ.get("MLFIT_PG_USER", "")
    if user and os.geteuid() == 0:
        command = ["runuser", "-u", user, "--", *command]
    done = subprocess.run(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode().strip()}")


def restart_postgres(outage: float) -> None:
    log = os.environ.get("MLFIT_PG_LOG", os.devnull)
    if outage <= 0:
        pg_ctl("restart", "-m", "fast", "-w", "-l", log)
        return
    pg_ctl("stop", "-m", "fast", "-w")
    time.sleep(outage)
    pg_ctl("start", "-w", "-l", log, "-o", os.environ.get("MLFIT_PG_OPTS", ""))


def inject_fault(run: Run, fault: Fault, journeys: list[Journey], server: Server) -> None:
    """Wait until part of the run is done, restart PostgreSQL, check the database at once."""
    from django.db import connections

    try:
        wanted = run.alone + max(1, int(run.args.fault_at * (run.args.respondents - run.alone)))
        while run.recorder.done < wanted and not run.stop.is_set():
            time.sleep(0.05)
        if run.stop.is_set():
            return
        fault.workers_before = server.workers()
        run.say(f"fault: restarting PostgreSQL after {run.recorder.done} respondents finished")
        fault.issued = time.perf_counter()
        restart_postgres(run.args.outage)
        fault.back = time.perf_counter()
        run.say(f"fault: PostgreSQL is back after {fault.back - fault.issued:.2f} s")
        # Whatever the killed requests left behind must be whole steps.
        answers = stored_answers(run.started_at)
        fault.snapshot_answers = sum(len(values) for values in answers.values())
        fault.snapshot_problems = step_problems(journeys, answers, final=False)
    except Exception as error:
        fault.error = repr(error)
        run.stop.set()
    finally:
        connections.close_all()


# -- Checking the database -------------------------------------------------------------


def stored_answers(since) -> dict[str, dict[int, int]]:
    """Return {submission id: {statement position: value}}, read in one statement."""
    from assessments.models import Submission

    rows = Submission.objects.filter(started_at__gte=since).values_list("pk", "answers")
    return {
        str(submission): {
            position: int(digit) for position, digit in enumerate(digits) if digit != "0"
        }
        for submission, digits in rows
    }


def step_problems(
    journeys: list[Journey], answers: dict[str, dict[int, int]], *, final: bool
) -> list[str]:
    """Return what is wrong with the stored answers, step by step, respondent by respondent.

    Every step must be stored whole, exactly as one of its POSTs sent it, or not
    at all; nothing may be stored that was never posted. With `final`, a
    completed respondent must also have every step stored as last posted.
    Read `answers` before the journeys: a step then cannot be stored yet unposted.
    """
    problems = []
    for journey in journeys:
        if journey.submission is None:
            continue
        stored = answers.get(journey.submission, {})
        posts: dict[int, list[dict[int, int]]] = defaultdict(list)
        for number, values in list(journey.posted):
            posts[number].append(values)
        asked = {question for tries in posts.values() for question in tries[0]}
        if unposted := set(stored) - asked:
            problems.append(f"{journey.submission}: answers never posted {sorted(unposted)}")
        for number, tries in sorted(posts.items()):
            saved = {q: stored[q] for q in tries[0] if q in stored}
            if saved and saved not in tries:
                problems.append(
                    f"{journey.submission} step {number}: half written or wrong, "
                    f"stored {saved}, posted {tries}"
                )
            elif final and journey.completed and saved != tries[-1]:
                problems.append(f"{journey.submission} step {number}: missing answers {saved}")
    return problems


def check_database(run: Run, journeys: list[Journey]) -> tuple[list[str], dict]:
    from assessments.models import Submission

    answers = stored_answers(run.started_at)
    created = {
        str(pk): completed
        for pk, completed in Submission.objects.filter(started_at__gte=run.started_at).values_list(
            "pk", "completed_at"
        )
    }
    problems = step_problems(journeys, answers, final=True)
    ours = {journey.submission: journey for journey in journeys if journey.submission}
    completed = {pk for pk, at in created.items() if at is not None}
    finished = {journey.submission for journey in journeys if journey.completed}
    if len(completed) != run.args.respondents or completed != finished:
        problems.append(
            f"{len(completed)} completed submissions in the database, "
            f"{len(finished)} respondents saw their results, {run.args.respondents} expected"
        )
    orphans = 0
    for pk, completed_at in created.items():
        if pk in ours:
            continue
        # A /start/ whose answer was lost in the outage: the submission exists but
        # no browser holds its session. Allowed in a fault run if it is empty.
        if run.args.fault and completed_at is None and not answers.get(pk):
            orphans += 1
        else:
            problems.append(f"{pk}: a submission no respondent of this run started")
    figures = {
        "completed": len(completed),
        "answers": sum(len(values) for values in answers.values()),
        "orphans": orphans,
    }
    return problems, figures


# -- Figures ---------------------------------------------------------------------------


class Run:
    """What every thread of one run shares."""

    def __init__(self, args: argparse.Namespace, port: int) -> None:
        self.args = args
        self.port = port
        self.recorder = Recorder()
        self.stop = threading.Event()
        self.started_at = None  # the database's notion of "created by this run"
        # The first respondents go alone, one after the other: page costs without queueing.
        self.alone = min(args.alone, args.respondents // 4)
        self.load_from = 0  # samples before this index were taken alone

    def say(self, text: str) -> None:
        if not self.args.quiet:
            print(text, flush=True)


def percentile(values: list[float], percent: float) -> float:
    """Return the nearest-rank percentile of `values` (not empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def latency_table(samples: list[Sample]) -> list[str]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    answered = {
        kind: [s.seconds * 1000 for s in group if not s.failed] for kind, group in by_kind.items()
    }
    baseline = percentile(answered[BASELINE], 50) if answered.get(BASELINE) else float("nan")
    lines = [
        f"{'page':<19}{'requests':>9}{'5xx/failed':>12}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'p50 / baseline':>16}"
    ]
    for kind in [BASELINE, *PAGE_KINDS]:
        times = answered.get(kind, [])
        failed = sum(1 for s in by_kind.get(kind, []) if s.failed)
        label = f"{kind} (baseline)" if kind == BASELINE else kind
        if not times:
            lines.append(f"{label:<19}{len(by_kind.get(kind, [])):>9}{failed:>12}")
            continue
        p50 = percentile(times, 50)
        lines.append(
            f"{label:<19}{len(by_kind[kind]):>9}{failed:>12}{p50:>9.1f}"
            f"{percentile(times, 99):>9.1f}{p50 / baseline:>15.1f}x"
        )
    return lines


def fault_findings(
    run: Run, fault: Fault, journeys: list[Journey], samples: list[Sample], server: Server
) -> tuple[list[str], list[str]]:
    """Return (problems, figures) of the fault: when errors happened and who recovered."""
    args = run.args
    problems = list(fault.snapshot_problems)
    if fault.error or not fault.back:
        return [*problems, f"the fault could not be injected: {fault.error or 'not reached'}"], []
    window_end = fault.back + args.grace
    failed = [s for s in samples if s.failed]
    outside = [s for s in failed if s.end < fault.issued or s.start > window_end]
    seen = [s for s in failed if not (s.end < fault.issued or s.start > window_end)]
    not_pages = [s for s in failed if not s.is_error_page]
    if not seen:
        problems.append("no respondent met the outage: it was too short or came too late")
    for sample in outside[:5]:
        problems.append(
            f"error outside the outage: {sample.kind} {sample.path} -> {sample.status or sample.error} "
            f"{sample.start - fault.back:+.2f} s after PostgreSQL was back"
        )
    for sample in not_pages[:5]:
        problems.append(
            f"not the error page while down: {sample.kind} {sample.path} -> "
            f"{sample.status or ''} {sample.error}"
        )
    database_pages = [s for s in samples if s.kind != BASELINE]
    recovered = [s.end for s in database_pages if not s.failed and s.start >= fault.back]
    recovery = min(recovered) - fault.back if recovered else float("nan")
    if not recovered:
        problems.append("no page was served after PostgreSQL came back")
    later = [j for j in journeys if j.first_request and j.first_request > window_end]
    later_ok = [j for j in later if j.completed and not j.errors]
    if not later_ok:
        problems.append(
            f"no respondent who started after the outage finished cleanly ({len(later)} started)"
        )
    workers_after = server.workers()
    if workers_after != fault.workers_before:
        problems.append(
            f"gunicorn's workers changed during the run: {sorted(fault.workers_before)} -> "
            f"{sorted(workers_after)}"
        )
    retried = [j for j in journeys if j.errors]
    statuses = Counter(str(s.status or "no answer") for s in failed)
    figures = [
        f"PostgreSQL down (pg_ctl {'restart' if args.outage <= 0 else 'stop, start'}): "
        f"{fault.back - fault.issued:.2f} s",
        f"errors seen: {len(failed)} ({', '.join(f'{n} x {k}' for k, n in statuses.items())})"
        + (
            f", from {min(s.start for s in seen) - fault.issued:+.2f} s to "
            f"{max(s.end for s in seen) - fault.issued:+.2f} s after the restart began"
            if seen
            else ""
        ),
        f"error pages: {len(failed) - len(not_pages)} of {len(failed)} were the project's "
        "error page without a traceback",
        f"time to recover: first page served {recovery:.3f} s after PostgreSQL was back; "
        f"{sum(1 for s in failed if s.start >= fault.back)} errors in requests sent after that "
        "(stale database connections would show here)",
        f"respondents who met the outage and finished after reloading: "
        f"{sum(1 for j in retried if j.completed)} of {len(retried)}"
        + (
            f" ({sum(1 for j in journeys if j.finished_after_lost_answer)} had their last "
            "step saved by the lost request and went to their results link)"
        ),
        f"respondents who started after the outage and finished with no error: "
        f"{len(later_ok)} of {len(later)}",
        f"database right after the restart: {fault.snapshot_answers} answers, "
        f"{len(fault.snapshot_problems)} half-written steps",
        f"gunicorn: same master and the same {len(workers_after)} workers throughout"
        if workers_after == fault.workers_before
        else "gunicorn: workers were replaced",
    ]
    return problems, figures


def write_csv(path: Path, samples: list[Sample], fault: Fault | None) -> None:
    """Write one row per request; times in seconds from the first request (or the fault)."""
    zero = fault.issued if fault and fault.issued else min(s.start for s in samples)
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["kind", "method", "path", "start", "seconds", "status", "error"])
        for s in sorted(samples, key=lambda s: s.start):
            writer.writerow(
                [s.kind, s.method, s.path, f"{s.start - zero:.4f}", f"{s.seconds:.4f}"]
                + [s.status or "", s.error]
            )


# -- The run ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200, help="how many (default 200)")
    parser.add_argument("--concurrency", type=int, default=20, help="at once (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker; above 1 uses gthread"
    )
    parser.add_argument(
        "--ramp-up",
        type=float,
        default=3.0,
        help="seconds over which the first respondents arrive (default 3)",
    )
    parser.add_argument(
        "--alone",
        type=int,
        default=10,
        help="respondents who go first, one at a time, at most a quarter (default 10)",
    )
    parser.add_argument("--seed", default="mlfit", help="seed for the answers respondents give")
    parser.add_argument("--fault", action="store_true", help="restart PostgreSQL mid-run")
    parser.add_argument(
        "--fault-at",
        type=float,
        default=0.3,
        help="restart once this share of respondents has finished (default 0.3)",
    )
    parser.add_argument(
        "--outage",
        type=float,
        default=2.0,
        help="seconds PostgreSQL stays stopped; 0 uses pg_ctl restart -m fast (default 2)",
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=1.0,
        help="seconds after PostgreSQL is back in which an error still counts as the outage's",
    )
    parser.add_argument(
        "--retry-pause", type=float, default=0.5, help="seconds before reloading after an error"
    )
    parser.add_argument(
        "--retry-for", type=float, default=60, help="seconds a respondent keeps reloading"
    )
    parser.add_argument("--timeout", type=float, default=900, help="stop the run after this")
    parser.add_argument("--quiet", action="store_true", help="print only the figures")
    parser.add_argument("--csv", type=Path, help="also write every request to this CSV file")
    parser.add_argument("--server-log", type=Path, help="keep gunicorn's output in this file")
    args = parser.parse_args(argv)
    if args.respondents < 1 or args.concurrency < 1 or args.workers < 1 or args.threads < 1:
        parser.error("--respondents, --concurrency, --workers and --threads must be positive")
    if not 0 < args.fault_at <= 0.9:
        parser.error("--fault-at must be above 0 and at most 0.9")
    return args


def prepare(args: argparse.Namespace) -> dict[str, str]:
    """Check the database and tools, migrate, load the questionnaire; return the server's env."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://", "postgis://")):
        raise SetupError(
            "the load test runs on PostgreSQL only, and DATABASE_URL "
            f"{'is ' + url.split(':')[0] if url else 'is not set (SQLite)'}. Run it as\n"
            "  scripts/with-postgres .venv/bin/python scripts/loadtest.py"
        )
    if args.fault and not (os.environ.get("MLFIT_PG_DATA") and os.environ.get("MLFIT_PG_BIN")):
        raise SetupError(
            "--fault restarts PostgreSQL and needs MLFIT_PG_DATA and MLFIT_PG_BIN; "
            "scripts/with-postgres sets them"
        )
    try:
        import gunicorn  # noqa: F401
    except ImportError as error:
        raise SetupError("gunicorn is not installed: pip install -e '.[test]'") from error
    env = server_environment()
    # This process checks the database through the ORM with the very same settings.
    os.environ.update({k: v for k, v in env.items() if k.startswith("DJANGO_")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    manage(env, "migrate", "--noinput")
    manage(env, "load_questionnaire")
    # Production mode serves hashed static files from a manifest.
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return env


def load(run: Run, journeys: list[Journey], fault: Fault | None, server: Server) -> float:
    """Send every respondent through; return the seconds the concurrent part took."""
    from django.utils import timezone

    args = run.args
    run.started_at = timezone.now()
    for journey in journeys[: run.alone]:
        respond(run, journey)
    run.load_from = len(run.recorder.samples)
    injector = None
    if fault is not None:
        injector = threading.Thread(target=inject_fault, args=(run, fault, journeys, server))
        injector.start()
    started = time.perf_counter()
    report_every = max(1, args.respondents // 5)
    with ThreadPoolExecutor(args.concurrency, thread_name_prefix="respondent") as pool:
        # People do not all arrive in the same second: spread the first wave, so
        # that the respondents are spread over the pages of the journey later on.
        delays = [args.ramp_up * k / args.concurrency for k in range(args.concurrency)]
        futures = [
            pool.submit(respond, run, journey, delays[k] if k < len(delays) else 0.0)
            for k, journey in enumerate(journeys[run.alone :])
        ]
        reported = 0
        while not all(future.done() for future in futures):
            time.sleep(0.2)
            if time.perf_counter() - started > args.timeout:
                run.stop.set()
            if run.recorder.done >= reported + report_every:
                reported = run.recorder.done
                run.say(f"  {reported}/{args.respondents} respondents finished")
    elapsed = time.perf_counter() - started
    if injector is not None:
        run.stop.set()  # releases an injector that never got its turn
        injector.join()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        setup_started = time.perf_counter()
        env = prepare(args)
        from django.db import connection, connections

        version = connection.cursor().connection.server_version
        connections.close_all()
        with tempfile.TemporaryDirectory(prefix="mlfit-load-") as tmp:
            log = args.server_log or Path(tmp) / "gunicorn.log"
            server = Server(args, env, log)
            try:
                return run_and_report(args, server, version, setup_started)
            finally:
                server.stop()
    except SetupError as error:
        print(f"loadtest: {error}", file=sys.stderr)
        return 2


def run_and_report(
    args: argparse.Namespace, server: Server, version: int, setup_started: float
) -> int:
    run = Run(args, server.port)
    kind = "sync" if args.threads == 1 else f"gthread x {args.threads} threads"
    print(
        f"mlfit load test{' with a PostgreSQL restart' if args.fault else ''}: "
        f"{args.respondents} respondents, {args.concurrency} at a time; gunicorn "
        f"{args.workers} {kind} workers on 127.0.0.1:{server.port}; PostgreSQL "
        f"{version // 10000}.{version % 10000}; set-up {time.perf_counter() - setup_started:.1f} s",
        flush=True,
    )
    journeys = [Journey(index) for index in range(args.respondents)]
    fault = Fault() if args.fault else None
    elapsed = load(run, journeys, fault, server)
    samples = run.recorder.samples
    if args.csv:
        write_csv(args.csv, samples, fault)
    alone, loaded = samples[: run.load_from], samples[run.load_from :]
    completed = sum(1 for journey in journeys[run.alone :] if journey.completed)

    problems: list[str] = []
    for journey in journeys:
        if journey.failure:
            problems.append(f"respondent {journey.index}: {journey.failure}")
    fault_figures: list[str] = []
    if fault is not None:
        found, fault_figures = fault_findings(run, fault, journeys, samples, server)
        problems += found
    else:
        for sample in [s for s in samples if s.failed][:10]:
            problems.append(
                f"{sample.kind} {sample.method} {sample.path}: {sample.status or sample.error}"
            )
    database_problems, database = check_database(run, journeys)
    problems += database_problems

    print("\nLatency of answered requests; the baseline is a static file served by WhiteNoise.")
    if alone:
        print(f"Alone: {run.alone} respondents one after the other")
        for line in latency_table(alone):
            print("  " + line)
    print(
        f"Under load: {args.respondents - run.alone} respondents, {args.concurrency} at a time: "
        f"{len(loaded)} requests in {elapsed:.1f} s = {len(loaded) / elapsed:.1f} requests/s, "
        f"{completed / elapsed:.2f} respondents/s"
    )
    for line in latency_table(loaded):
        print("  " + line)
    print(
        f"Database: {database['completed']} completed submissions from this run "
        f"({args.respondents} expected), {database['answers']} answers"
        + (f", {database['orphans']} empty unfinished ones" if args.fault else "")
    )
    if fault_figures:
        print("Fault:")
        for line in fault_figures:
            print("  " + line)
    logged = log_summary(server.log_path)
    if logged:
        print(f"Server log ({sum(logged.values())} lines), most frequent:")
        for line, count in logged.most_common(8):
            print(f"  {count} x {line}")
    if problems:
        print(f"\nFAILED: {len(problems)} problems")
        for problem in problems[:20]:
            print("  " + problem)
        if not logged and server.log_tail():
            print("gunicorn's log ends with:\n" + server.log_tail())
        return 1
    print(
        "\nPASSED: no 5xx"
        + (" outside the outage, error pages only, served again at once" if args.fault else "")
        + f"; {args.respondents} completed submissions hold exactly the answers posted."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
