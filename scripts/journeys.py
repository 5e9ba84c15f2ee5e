"""A respondent's way through mlfit, as the load, fault and topology tests see it.

What a journey is (`Journey`, one `Sample` per request), how to read the
site's pages (the paths, `forms_in`, `hidden_fields`), and how to check the
database against what the respondents posted (`check_database`). Shared by
scripts/locustfile.py, scripts/loadtest.py and scripts/topology.py; nothing
here sends a request.
"""

from __future__ import annotations

import html
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

STEP_PATH = re.compile(r"^/s/(?P<id>[0-9a-f-]{36})/step/(?P<number>\d+)/$")
RESULTS_PATH = re.compile(r"^/results/(?P<id>[0-9a-f-]{36})/$")
RESUME_PATH = re.compile(r"^/s/(?P<id>[0-9a-f-]{36})/$")
CHECK_PATH = re.compile(r"^/s/(?P<id>[0-9a-f-]{36})/check/$")
STYLESHEET = re.compile(r'<link[^>]+href="(/static/[^"]+\.css)"')
TAG = re.compile(r"<(form|input)\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
QUESTION_FIELD = re.compile(r"^q(\d+)$")

# The kinds of request of a journey, in its order; the static file is the baseline.
BASELINE = "static"
PAGE_KINDS = ["landing", "start", "step GET", "step POST", "check GET", "confirm", "results"]


class RespondentFailed(Exception):
    """A respondent could not go on: an unexpected answer from the site."""


@dataclass
class Sample:
    """One HTTP request of a respondent, times from time.perf_counter()."""

    kind: str
    method: str
    path: str
    start: float
    end: float
    status: int | None  # None when the request got no answer
    failed: bool = False  # no answer, a 5xx, or (when the run says so) a 400
    is_error_page: bool = True  # if failed: was the body one of the project's error pages?
    error: str = ""

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


# -- Reading pages ------------------------------------------------------------------------


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


def form_posting_to(text: str, action: str, what: str) -> dict:
    """Return the page's form that posts to `action`; raise RespondentFailed if none."""
    form = next((f for f in forms_in(text) if f["action"] == action), None)
    if form is None:
        raise RespondentFailed(f"{what}: no form posting to {action}")
    return form


def hidden_fields(form: dict) -> list[tuple[str, str]]:
    """Return what a browser sends of the form besides the choices: its hidden fields."""
    hidden = [(name, value) for name, kind, value in form["fields"] if kind == "hidden"]
    if not any(name == "csrfmiddlewaretoken" for name, _ in hidden):
        raise RespondentFailed(f"no CSRF token in the form posting to {form['action']}")
    return hidden


def questions_of(form: dict) -> list[int]:
    """Return the ids of the statements a step form asks about."""
    return sorted({int(m[1]) for name, _, _ in form["fields"] if (m := QUESTION_FIELD.match(name))})


# -- Checking the database against what the respondents posted ----------------------------


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


def check_database(
    journeys: list[Journey], since, expected: int, *, lost_starts: bool
) -> tuple[list[str], dict]:
    """Check every submission started since `since` against the journeys.

    Exactly `expected` must be completed, those of the respondents who saw their
    results, each holding every answer as last posted. With `lost_starts` a
    submission no respondent holds is allowed if it is empty and unfinished (a
    Start whose answer was lost); otherwise it is a problem.
    """
    from assessments.models import Submission

    answers = stored_answers(since)
    created = {
        str(pk): completed
        for pk, completed in Submission.objects.filter(started_at__gte=since).values_list(
            "pk", "completed_at"
        )
    }
    problems = step_problems(journeys, answers, final=True)
    ours = {journey.submission for journey in journeys if journey.submission}
    completed = {pk for pk, at in created.items() if at is not None}
    finished = {journey.submission for journey in journeys if journey.completed}
    if len(completed) != expected or completed != finished:
        problems.append(
            f"{len(completed)} completed submissions in the database, "
            f"{len(finished)} respondents saw their results, {expected} expected"
        )
    orphans = 0
    for pk, completed_at in created.items():
        if pk in ours:
            continue
        if lost_starts and completed_at is None and not answers.get(pk):
            orphans += 1
        else:
            problems.append(f"{pk}: a submission no respondent of this run started")
    figures = {
        "completed": len(completed),
        "answers": sum(len(values) for values in answers.values()),
        "orphans": orphans,
    }
    return problems, figures


# -- Figures -------------------------------------------------------------------------------


def percentile(values: list[float], percent: float) -> float:
    """Return the nearest-rank percentile of `values` (not empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def latency_table(samples: list[Sample]) -> list[str]:
    """Return a table of requests, failures, p50 and p99 per kind, and p50 over the baseline's."""
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
