"""Locust respondents for mlfit: each one answers the questionnaire once, as a person would.

    locust -f scripts/locustfile.py --headless --users 50 --spawn-rate 5 --run-time 60s \\
        --host http://127.0.0.1:8080

scripts/topology.py runs these users as a library against nginx and two
gunicorns and then checks the database against JOURNEYS. A respondent goes
landing page, a static file, Start, every step with random answers (CSRF
token from each form), the check-answers page (where the resume link sends
them after the last step), Confirm, and the results; then it waits for the
run to end (give --run-time when running it with locust itself).

Each respondent sends from its own loopback address (127.1.x.y; all of
127.0.0.0/8 is loopback on Linux), as real people do, so that the per-client
limits on Start see 200 clients rather than one. Set MLFIT_LOCUST_SAME_ADDRESS=1
to send from 127.0.0.1 instead (against a real host name, say).

A 5xx or a lost connection is retried after half a second, as a person
reloads; Locust still counts it as a failure.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import sys
import time
import urllib.parse
from pathlib import Path

from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadtest import (  # noqa: E402 -- scripts/ is not a package
    CHECK_PATH,
    QUESTION_FIELD,
    RESULTS_PATH,
    RESUME_PATH,
    STEP_PATH,
    Journey,
    RespondentFailed,
    forms_in,
    hidden_fields,
)

STYLESHEET = re.compile(r'<link[^>]+href="(/static/[^"]+\.css)"')
RETRIES = 20
RETRY_PAUSE = 0.5

# Every respondent of this process, in the order they started, and how many are done.
JOURNEYS: list[Journey] = []
FINISHED: list[Journey] = []
_numbers = itertools.count()


def respondent_address(number: int) -> str:
    """Return the loopback address respondent `number` sends from."""
    return f"127.1.{number // 250}.{number % 250 + 1}"


class SourceAddressAdapter(HTTPAdapter):
    """Connect from a given local address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Respondent(HttpUser):
    wait_time = between(0.3, 1.0)  # reading a page and choosing answers

    def on_start(self) -> None:
        number = next(_numbers)
        self.journey = Journey(number)
        JOURNEYS.append(self.journey)
        self.rng = random.Random(f"mlfit-locust-{number}")
        if os.environ.get("MLFIT_LOCUST_SAME_ADDRESS") != "1":
            self.client.mount("http://", SourceAddressAdapter(respondent_address(number)))

    @task
    def answer_the_questionnaire(self) -> None:
        if self.journey in FINISHED:
            # Once is enough. Not StopUser: while ramping up Locust would start
            # another user in its place, and the run would have more respondents.
            time.sleep(1)
            return
        try:
            self.walk()
        except RespondentFailed as error:
            self.journey.failure = str(error)
        except Exception as error:  # a bug here must not hide the others' results
            self.journey.failure = f"unexpected {error!r}"
        FINISHED.append(self.journey)

    # -- One request, retried after a 5xx as a person reloads -----------------------

    def fetch(self, name: str, method: str, path: str, form: list | None = None):
        """Send the request; return the response with .retried set, or raise RespondentFailed."""
        retried = False
        for _ in range(RETRIES):
            with self.client.request(
                method,
                path,
                data=form,
                name=name,
                allow_redirects=False,
                catch_response=True,
                headers={"Origin": self.host, "Accept": "text/html"} if form is not None else {},
            ) as response:
                if response.status_code >= 500 or response.status_code == 0:
                    response.failure(f"{response.status_code} {response.reason}")
                    self.journey.errors += 1
                else:
                    response.success()
                    response.retried = retried
                    return response
            retried = True
            time.sleep(RETRY_PAUSE)
        raise RespondentFailed(f"{name} {method} {path}: still failing after {RETRIES} tries")

    def expect(self, response, status: int, what: str) -> None:
        if response.status_code != status:
            raise RespondentFailed(f"{what}: got {response.status_code}, expected {status}")

    @staticmethod
    def location(response) -> str:
        return urllib.parse.urlsplit(response.headers.get("Location", "")).path

    # -- The way through ------------------------------------------------------------

    def walk(self) -> None:
        journey = self.journey
        landing = self.fetch("landing", "GET", "/")
        self.expect(landing, 200, "landing")
        stylesheet = STYLESHEET.search(landing.text)
        if stylesheet:
            self.expect(self.fetch("static", "GET", stylesheet[1]), 200, "stylesheet")
        start_form = next((f for f in forms_in(landing.text) if f["action"] == "/start/"), None)
        if start_form is None:
            raise RespondentFailed("landing: no form posting to /start/")
        self.wait()
        started = self.fetch("start", "POST", "/start/", hidden_fields(start_form))
        path = self.location(started)
        if started.status_code != 302 or not STEP_PATH.match(path):
            raise RespondentFailed(f"start: {started.status_code} to {path!r}, not step 1")
        journey.submission = STEP_PATH.match(path)["id"]

        while True:
            number = int(STEP_PATH.match(path)["number"])
            page = self.fetch("step GET", "GET", path)
            self.expect(page, 200, f"step {number} GET")
            form = next((f for f in forms_in(page.text) if f["action"] == path), None)
            if form is None:
                raise RespondentFailed(f"step {number}: no form posting to {path}")
            questions = sorted(
                {int(m[1]) for name, _, _ in form["fields"] if (m := QUESTION_FIELD.match(name))}
            )
            values = {question: self.rng.randint(1, 5) for question in questions}
            journey.posted.append((number, values))
            body = hidden_fields(form)
            body += [(f"q{question}", str(value)) for question, value in values.items()]
            body.append(("action", "next"))
            self.wait()
            posted = self.fetch("step POST", "POST", path, body)
            if posted.status_code == 409 and posted.retried:
                # The lost attempt had finished the questionnaire already.
                journey.finished_after_lost_answer = True
                path = f"/results/{journey.submission}/"
                break
            self.expect(posted, 302, f"step {number} POST")
            path = self.location(posted)
            if RESUME_PATH.match(path):
                path = self.confirm(path)
                break
            if RESULTS_PATH.match(path):
                break
            following = STEP_PATH.match(path)
            if not following or int(following["number"]) != number + 1:
                raise RespondentFailed(f"step {number} POST redirected to {path}")

        results = self.fetch("results", "GET", path)
        self.expect(results, 200, "results")
        if "Your results" not in results.text:
            raise RespondentFailed("results: the page does not show the respondent's results")
        journey.completed = True

    def confirm(self, resume_path: str) -> str:
        """Follow the last step to the check-answers page and confirm; return the results path."""
        resumed = self.fetch("resume", "GET", resume_path)
        self.expect(resumed, 302, "resume after the last step")
        path = self.location(resumed)
        if RESULTS_PATH.match(path):
            return path
        if not CHECK_PATH.match(path):
            raise RespondentFailed(f"after the last step: sent to {path}, not the check page")
        page = self.fetch("check GET", "GET", path)
        self.expect(page, 200, "check answers")
        form = next((f for f in forms_in(page.text) if f["action"] == path), None)
        if form is None:
            raise RespondentFailed("check answers: no Confirm form")
        self.wait()
        confirmed = self.fetch("confirm", "POST", path, hidden_fields(form))
        self.expect(confirmed, 302, "confirm")
        if not RESULTS_PATH.match(self.location(confirmed)):
            raise RespondentFailed(f"confirm: sent to {self.location(confirmed)}, not the results")
        return self.location(confirmed)
