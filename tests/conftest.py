"""Fixtures named after the things they make: a questionnaire, a respondent, a submission.

Statements are posted as `q<position>`, their place in the submission's
revision; `statements_of(submission, number)` gives a step's statements.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from assessments.datafile import import_document
from assessments.models import FrozenStatement, Question, Questionnaire, ReasonCategory, Submission

ROOT = Path(__file__).resolve().parent.parent
CONTENT_FILE = ROOT / "assessments" / "content" / "ml_engineering_fit.json"


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """Put the default language back after each test.

    LocaleMiddleware leaves the last request's language active in the thread,
    so a test ending on a Chinese page would make the next test's messages and
    orderings Chinese.
    """
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def empty_cache():
    """Start each test with nothing cached (results pages are cached once written)."""
    cache.clear()


@pytest.fixture
def questionnaire(db) -> Questionnaire:
    """The default questionnaire, loaded from the repository's data file."""
    document = json.loads(CONTENT_FILE.read_text(encoding="utf-8"))
    questionnaire, _ = import_document(document)  # loads and publishes revision 1
    return questionnaire


@pytest.fixture
def small_questionnaire(db) -> Questionnaire:
    """Two reasons with two statements each, one of them reverse-keyed."""
    questionnaire = Questionnaire.objects.create(slug="small", title="Small", published=True)
    for order, key in enumerate(["first", "second"], start=1):
        reason = ReasonCategory.objects.create(
            questionnaire=questionnaire,
            key=key,
            order=order,
            title=f"{key.title()} reason",
            summary=f"Summary of the {key} reason.",
            why_it_matters=f"Why the {key} reason matters.",
            advice=f"Advice for the {key} reason.",
        )
        Question.objects.create(
            category=reason, key=f"{key}-a", order=1, statement=f"{key.title()} statement A."
        )
        Question.objects.create(
            category=reason,
            key=f"{key}-b",
            order=2,
            statement=f"{key.title()} statement B.",
            direction="reverse",
        )
    # English only on purpose: the texts do not matter here, so English stands in.
    questionnaire.publish(allow_missing_texts=True)
    return questionnaire


@pytest.fixture
def respondent(client: Client) -> Client:
    """A browser with its own session."""
    return client


@pytest.fixture
def other_browser(db) -> Client:
    """A second browser, with a session of its own."""
    return Client()


def start(client: Client) -> Submission:
    """Start a questionnaire in `client`'s browser and return the new submission."""
    response = client.post(reverse("assessments:start"))
    assert response.status_code == 302
    return Submission.objects.order_by("-started_at").first()


def step_url(submission: Submission, number: int) -> str:
    return reverse("assessments:step", args=[submission.pk, number])


def statements_of(submission: Submission, number: int) -> tuple[FrozenStatement, ...]:
    """Return the statements of step `number` of the submission's revision."""
    return submission.frozen.reasons[number - 1].statements


def step_data(submission: Submission, number: int, value: int | str, **extra) -> dict:
    """Return a POST body answering every statement of a step with `value`."""
    return {
        **{f"q{s.position}": str(value) for s in statements_of(submission, number)},
        "action": "next",
        **extra,
    }


def answer_step(client: Client, submission: Submission, number: int, value: int | str = 3):
    return client.post(step_url(submission, number), step_data(submission, number, value))


def complete(client: Client, submission: Submission, values: dict[int, int] | int = 3):
    """Answer every step and confirm; `values` is one value for all, or {position: value}."""
    response = None
    for reason in submission.frozen.reasons:
        if isinstance(values, int):
            data = {f"q{s.position}": str(values) for s in reason.statements}
        else:
            data = {f"q{s.position}": str(values[s.position]) for s in reason.statements}
        response = client.post(step_url(submission, reason.number), {**data, "action": "next"})
        assert response.status_code == 302, response.content.decode()[:2000]
    response = confirm(client, submission)
    assert response.status_code == 302, response.content.decode()[:2000]
    submission.refresh_from_db()
    return response


def leaning(submission: Submission, leans: dict[str, int], default: int = -1) -> dict[int, int]:
    """Return {position: value} of a sincere person who leans `leans[key]` steps on each reason.

    A lean runs from -2 (fits you, as far as the scale goes) to +2 (wears on
    you as far as it goes); reasons not named lean `default`. Forward and
    reverse-keyed statements are answered consistently, so nothing contradicts.
    """
    values = {}
    for reason in submission.frozen.reasons:
        lean = leans.get(reason.key, default)
        for statement in reason.statements:
            forward = statement.direction == "forward"
            values[statement.position] = 3 + lean if forward else 3 - lean
    return values


def close_response(response) -> None:
    """Close a response made outside the test client, as the client closes its own.

    Closing sends request_finished, whose close_old_connections would close the
    connection holding the test's transaction on PostgreSQL.
    """
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def check_url(submission: Submission) -> str:
    return reverse("assessments:check", args=[submission.pk])


def confirm(client: Client, submission: Submission):
    """Press Confirm on the check-answers page."""
    return client.post(check_url(submission))


@pytest.fixture
def submission(questionnaire, respondent) -> Submission:
    """A submission started in the respondent's browser, nothing answered yet."""
    return start(respondent)


@pytest.fixture
def varied_submission(questionnaire, respondent) -> Submission:
    """A finished submission whose answers cycle through 1..5, so scores differ by reason."""
    submission = start(respondent)
    complete(respondent, submission, {position: position % 5 + 1 for position in range(30)})
    return submission


@pytest.fixture
def completed_submission(questionnaire, respondent) -> Submission:
    """A finished submission, every statement answered "Agree"."""
    submission = start(respondent)
    complete(respondent, submission, 4)
    return submission


# Texts a spreadsheet would read as formulas, one per statement of the formula questionnaire.
FORMULA_TEXTS = ["+1", "-1+2", "@SUM(1+1)", "\tTab first", "\r=1+1", '=HYPERLINK("http://x")']


@pytest.fixture
def formula_questionnaire(db) -> Questionnaire:
    """A questionnaire whose texts start like spreadsheet formulas, which an export must defuse.

    One reason of six statements, forward and reverse-keyed in turn; its slug is "-1".
    """
    questionnaire = Questionnaire.objects.create(slug="-1", title="=1+1", published=True)
    reason = ReasonCategory.objects.create(
        questionnaire=questionnaire,
        key="formula",
        order=1,
        title="=cmd|' /C calc'!A0",
        summary="@SUM(1+1)",
        why_it_matters="Why.",
        advice="Advice.",
    )
    for order, text in enumerate(FORMULA_TEXTS, start=1):
        Question.objects.create(
            category=reason,
            key=f"formula-{order}",
            order=order,
            statement_en=text,
            statement_zh_hans=f"={order}+1",
            direction="forward" if order % 2 else "reverse",
        )
    # English only on purpose: the texts do not matter here, so English stands in.
    questionnaire.publish(allow_missing_texts=True)
    return questionnaire


@pytest.fixture
def formula_submission(formula_questionnaire) -> Submission:
    """A finished submission on the formula questionnaire, scoring -100: every answer fits."""
    return Submission.objects.create(
        revision=formula_questionnaire.latest_revision(),
        owner_key="f" * 64,
        answers="151515",
        completed_at=timezone.now(),
    )
