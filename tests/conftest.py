"""Fixtures named after the things they make: a questionnaire, a respondent, a submission."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.datafile import import_document
from assessments.models import Question, Questionnaire, ReasonCategory, Submission

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


@pytest.fixture
def questionnaire(db) -> Questionnaire:
    """The default questionnaire, loaded from the repository's data file."""
    document = json.loads(CONTENT_FILE.read_text(encoding="utf-8"))
    questionnaire, _ = import_document(document)
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


def step_data(submission: Submission, number: int, value: int | str, **extra) -> dict:
    """Return a POST body answering every active statement of a step with `value`."""
    step = submission.questionnaire.steps()[number - 1]
    return {**{f"q{q.pk}": str(value) for q in step.questions}, "action": "next", **extra}


def answer_step(client: Client, submission: Submission, number: int, value: int | str = 3):
    return client.post(step_url(submission, number), step_data(submission, number, value))


def complete(client: Client, submission: Submission, values: dict[int, int] | int = 3):
    """Answer every step; `values` is one value for all, or {question id: value}."""
    response = None
    for step in submission.questionnaire.steps():
        if isinstance(values, int):
            data = {f"q{q.pk}": str(values) for q in step.questions}
        else:
            data = {f"q{q.pk}": str(values[q.pk]) for q in step.questions}
        response = client.post(step_url(submission, step.number), {**data, "action": "next"})
        assert response.status_code == 302, response.content.decode()[:2000]
    submission.refresh_from_db()
    return response


@pytest.fixture
def submission(questionnaire, respondent) -> Submission:
    """A submission started in the respondent's browser, nothing answered yet."""
    return start(respondent)


@pytest.fixture
def completed_submission(questionnaire, respondent) -> Submission:
    """A finished submission, every statement answered "Agree"."""
    submission = start(respondent)
    complete(respondent, submission, 4)
    return submission
