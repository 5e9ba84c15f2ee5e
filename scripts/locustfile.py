"""Locust respondents for mlfit: people answering the questionnaire over HTTP.

    locust -f scripts/locustfile.py --headless --users 50 --spawn-rate 5 --run-time 60s \\
        --host http://127.0.0.1:8080

The one user class that scripts/loadtest.py and scripts/topology.py drive in
library mode (locust.env.Environment). A journey goes: landing page, its
stylesheet (the static file the load test measures pages against), Start,
every step with random answers (CSRF token from each form), the check-answers
page (where the resume link sends them after the last step), Confirm, and the
results. Each journey is a new person: fresh cookies and connections.

A driver says how its run goes in a `RunState` and gets the user class to
give Locust from `respondents(state)`: how many journeys in all (the load
test's 20 users share 200) and per user (the topology test's 200 users answer
once each), the pause between pages, which failures are retried and for how
long, and whether each journey sends from its own loopback address. The state
also collects what happened: every `Journey` and one `Sample` per request;
Locust's own statistics count the same requests under the same names.

Run with locust itself, the defaults hold: each user answers once, from its
own loopback address (127.1.x.y; all of 127.0.0.0/8 is loopback on Linux, so
the per-client limits on Start see one client a person; set
MLFIT_LOCUST_SAME_ADDRESS=1 to send from the default address instead),
0.3 to 1 s between pages, a 5xx or no answer reloaded after half a second
for up to 10 s; then it waits for the run to end (give --run-time).
"""

from __future__ import annotations

import os
import random
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from geventhttpclient.client import HTTPClient, HTTPClientPool
from geventhttpclient.url import URL
from locust import FastHttpUser, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from journeys import (  # noqa: E402 -- scripts/ is not a package
    CHECK_PATH,
    RESULTS_PATH,
    RESUME_PATH,
    STEP_PATH,
    STYLESHEET,
    Journey,
    RespondentFailed,
    Sample,
    form_posting_to,
    hidden_fields,
    page_title,
    questions_of,
)


@dataclass
class RunState:
    """How one run's respondents behave, set by its driver; and what they did."""

    quota: int | None = None  # journeys in all; None: no limit
    journeys_each: int | None = 1  # journeys per user; None: as many as the quota leaves
    think: tuple[float, float] = (0.3, 1.0)  # seconds between pages, and between journeys
    retry_for: float = 10.0  # seconds a respondent keeps reloading after a failure; 0: never
    retry_pause: float = 0.5  # seconds before reloading, give or take a fifth
    bad_request_fails: bool = False  # a 400 is a failure too (a fault run's lost session save)
    own_addresses: bool = os.environ.get("MLFIT_LOCUST_SAME_ADDRESS") != "1"
    seed: str = "mlfit-locust"  # with the journey's index, seeds the answers it gives
    journeys: list[Journey] = field(default_factory=list)  # in the order they started
    samples: list[Sample] = field(default_factory=list)  # in the order they ended
    finished: int = 0  # journeys over, completed or failed
    stopped: bool = False  # set by the driver: every respondent gives up

    def next_journey(self) -> Journey | None:
        """Return a new journey, or None when the quota is used up or the run is stopped."""
        if self.stopped or (self.quota is not None and len(self.journeys) >= self.quota):
            return None
        journey = Journey(len(self.journeys))
        self.journeys.append(journey)
        return journey


def respondent_address(number: int) -> str:
    """Return the loopback address journey `number` sends from."""
    return f"127.1.{number // 250}.{number % 250 + 1}"


class SourceAddressPool(HTTPClientPool):
    """geventhttpclient's clients, one per host, connecting from a given local address."""

    def __init__(self, address: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.address = address

    def get_client(self, url: str | URL) -> HTTPClient:
        url = url if isinstance(url, URL) else URL(url)
        if (url.host, url.port) not in self.clients:
            client = HTTPClient.from_url(url, **self.client_args)
            # geventhttpclient's socket factory, made to bind before it connects.
            pool = client._connection_pool
            create = pool._create_tcp_socket

            def bound(*args):
                sock = create(*args)
                sock.bind((self.address, 0))
                return sock

            pool._create_tcp_socket = bound
            self.clients[(url.host, url.port)] = client
        return self.clients[(url.host, url.port)]


def location(response) -> str:
    return urllib.parse.urlsplit(response.headers.get("Location", "")).path


def expect(response, status: int, what: str) -> None:
    if response.status_code != status:
        raise RespondentFailed(f"{what}: got {response.status_code}, expected {status}")


class Respondent(FastHttpUser):
    """A person, or one after another, answering the questionnaire.

    On geventhttpclient (FastHttpUser) rather than requests: a few times less
    time in the client per request, which the latencies measured include.
    """

    state = RunState()  # what `locust -f` runs with; a driver uses respondents(state)
    connection_timeout = network_timeout = 30.0

    def on_start(self) -> None:
        self.journeys_done = 0
        # Every status is an answer to look at, not an error to raise on the way.
        self.client.client.valid_response_codes = frozenset(range(100, 600))

    def wait_time(self) -> float:
        low, high = self.state.think
        return random.uniform(low, high) if high else 0.0

    @task
    def answer_the_questionnaire(self) -> None:
        state = self.state
        each = state.journeys_each
        journey = None if each is not None and self.journeys_done >= each else state.next_journey()
        if journey is None:
            # Nothing more to do. Not StopUser: while ramping up Locust would start
            # another user in its place, and the run would have more respondents.
            time.sleep(0.1)
            return
        self.journeys_done += 1
        self.journey = journey
        self.rng = random.Random(f"{state.seed}-{journey.index}")
        # A new person: no cookies, new connections.
        self.client.cookiejar.clear()
        agent = self.client.client
        agent.clientpool.close()
        if state.own_addresses:
            address = respondent_address(journey.index)
            agent.clientpool = SourceAddressPool(address, **agent.clientpool.client_args)
        try:
            self.walk()
        except RespondentFailed as error:
            journey.failure = str(error)
        except Exception as error:  # a bug here must not hide the others' results
            journey.failure = f"unexpected {error!r}"
        finally:
            state.finished += 1

    # -- One request; after a failure, reloaded as a person would ------------------------

    def fetch(self, kind: str, method: str, path: str, form: list | None = None):
        """Send the request; return the response with .retried set, or raise RespondentFailed.

        A failed request (see `send`) is sent again after a pause for up to
        state.retry_for seconds; with 0 the respondent fails at once.
        """
        give_up = time.perf_counter() + self.state.retry_for
        retried = False
        while True:
            response, sample = self.send(kind, method, path, form)
            if not sample.failed:
                response.retried = retried
                return response
            self.journey.errors += 1
            if time.perf_counter() > give_up:
                raise RespondentFailed(f"{kind} {method} {path}: {sample.status or 'no answer'}")
            time.sleep(self.state.retry_pause * random.uniform(0.8, 1.2))
            retried = True

    def send(self, kind: str, method: str, path: str, form: list | None):
        """Send one request, counted by Locust under `kind`; return it and its Sample.

        It failed if it got no answer or a 5xx, or with state.bad_request_fails a
        400: a database error while Django saves the session after the view is
        turned into a 400 (SessionInterrupted), in a fault run one of the outage's.
        """
        state = self.state
        if state.stopped:
            raise RespondentFailed("the run was stopped")
        headers = {"Accept": "text/html", "User-Agent": "mlfit-locust"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.host
        start = time.perf_counter()
        if self.journey.first_request is None:
            self.journey.first_request = start
        with self.client.request(
            method,
            path,
            data=body,
            name=kind,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            status = response.status_code or None
            sample = Sample(kind, method, path, start, time.perf_counter(), status)
            if status is None:
                sample.failed, sample.is_error_page = True, False
                sample.error = repr(response.error)
            elif status >= 500 or (status == 400 and state.bad_request_fails):
                sample.failed = True
                # The project's error pages say "Error <status>" above their heading.
                text = response.text or ""
                sample.is_error_page = f"Error {status}<" in text and "Traceback" not in text
                sample.error = f"{status} {page_title(text)}"
            if sample.failed:
                response.failure(sample.error)
            else:
                response.success()
        state.samples.append(sample)
        return response, sample

    # -- The way through ------------------------------------------------------------------

    def walk(self) -> None:
        journey = self.journey
        landing = self.fetch("landing", "GET", "/")
        expect(landing, 200, "landing")
        stylesheet = STYLESHEET.search(landing.text)
        if stylesheet is None:
            raise RespondentFailed("landing: no stylesheet")
        expect(self.fetch("static", "GET", stylesheet[1]), 200, "stylesheet")
        start_form = form_posting_to(landing.text, "/start/", "landing")
        self.wait()
        started = self.fetch("start", "POST", "/start/", hidden_fields(start_form))
        path = location(started)
        if started.status_code != 302 or not STEP_PATH.match(path):
            raise RespondentFailed(f"start: {started.status_code} to {path!r}, not step 1")
        journey.submission = STEP_PATH.match(path)["id"]

        while True:
            number = int(STEP_PATH.match(path)["number"])
            page = self.fetch("step GET", "GET", path)
            expect(page, 200, f"step {number} GET")
            form = form_posting_to(page.text, path, f"step {number}")
            questions = questions_of(form)
            if not questions:
                raise RespondentFailed(f"step {number}: no statements on the page")
            values = {question: self.rng.randint(1, 5) for question in questions}
            journey.posted.append((number, values))
            body = hidden_fields(form)
            body += [(f"q{question}", str(value)) for question, value in values.items()]
            body.append(("action", "next"))
            self.wait()
            posted = self.fetch("step POST", "POST", path, body)
            if posted.status_code == 409 and posted.retried:
                # The lost attempt had already finished the questionnaire; the results
                # link still works for this browser.
                journey.finished_after_lost_answer = True
                path = f"/results/{journey.submission}/"
                break
            expect(posted, 302, f"step {number} POST")
            path = location(posted)
            if RESUME_PATH.match(path):
                path = self.confirm(path)
                break
            if RESULTS_PATH.match(path):
                break
            following = STEP_PATH.match(path)
            if not following or int(following["number"]) != number + 1:
                raise RespondentFailed(f"step {number} POST redirected to {path}")

        results = self.fetch("results", "GET", path)
        expect(results, 200, "results")
        if "Your results" not in results.text:
            raise RespondentFailed("results: the page does not show the respondent's results")
        journey.completed = True

    def confirm(self, resume_path: str) -> str:
        """Follow the last step to the check-answers page and confirm; return the results path."""
        resumed = self.fetch("check GET", "GET", resume_path)
        expect(resumed, 302, "resume after the last step")
        path = location(resumed)
        if RESULTS_PATH.match(path):  # a retried step POST raced a confirm: already finished
            return path
        if not CHECK_PATH.match(path):
            raise RespondentFailed(f"after the last step: sent to {path}, not the check page")
        page = self.fetch("check GET", "GET", path)
        expect(page, 200, "check answers")
        form = form_posting_to(page.text, path, "check answers")
        self.wait()
        confirmed = self.fetch("confirm", "POST", path, hidden_fields(form))
        expect(confirmed, 302, "confirm")
        if not RESULTS_PATH.match(location(confirmed)):
            raise RespondentFailed(f"confirm: sent to {location(confirmed)}, not the results")
        return location(confirmed)


def respondents(state: RunState) -> type[Respondent]:
    """Return the user class to give Locust for a run that goes as `state` says."""
    return type("Respondent", (Respondent,), {"state": state})
