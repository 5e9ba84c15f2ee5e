"""Act on the site the way a respondent does: read headings, click labels, press buttons.

What a respondent is asked is a published revision, not the questionnaire an
admin edits: `offered(questionnaire)` is what a new respondent gets, and once
started, `submission.frozen` (or `statements_of`) is what that person answers
to the end. Statements and reasons are FrozenStatements and FrozenReasons;
their texts are shown here in English (`statement.text["en"]`).
"""

from __future__ import annotations

import re

from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from assessments import scoring
from assessments.models import (
    FrozenQuestionnaire,
    FrozenReason,
    FrozenStatement,
    Questionnaire,
    Submission,
)

# The scale's labels are translated when shown; Playwright needs plain strings.
with translation.override("en"):
    SCALE_LABELS = {value: str(label) for value, label in scoring.SCALE}
STRONGLY_DISAGREE, DISAGREE, NEUTRAL, AGREE, STRONGLY_AGREE = 1, 2, 3, 4, 5

# One page's answers: (statement, value on the 1..5 scale), in the page's order.
# Pairs rather than a dict: a FrozenStatement holds its texts in dicts, so it
# cannot be a dict key.
Answers = list[tuple[FrozenStatement, int]]
# An answer pattern: one page's answers for each step, in order.
Pattern = list[Answers]

STEP_ADDRESS = re.compile(r"/s/(?P<submission>[0-9a-f-]{36})/step/\d+/")


# -- What is asked ------------------------------------------------------------------


def offered(questionnaire: Questionnaire) -> FrozenQuestionnaire:
    """Return what a new respondent is asked: the questionnaire's latest published revision."""
    return questionnaire.latest_revision().frozen


def reasons_of(asked: FrozenQuestionnaire) -> dict[str, FrozenReason]:
    """Return the reasons of a revision by key."""
    return {reason.key: reason for reason in asked.reasons}


# -- Answer patterns, from the revision's content ---------------------------------


def points_away(statement: FrozenStatement, *, strongly: bool = True) -> int:
    """Return the answer that says "this is not me": no sign of the reason."""
    if statement.direction == scoring.FORWARD:
        return STRONGLY_DISAGREE if strongly else DISAGREE
    return STRONGLY_AGREE if strongly else AGREE


def points_here(statement: FrozenStatement, *, strongly: bool = True) -> int:
    """Return the answer that points to the reason ("ML engineering may not fit")."""
    if statement.direction == scoring.FORWARD:
        return STRONGLY_AGREE if strongly else AGREE
    return STRONGLY_DISAGREE if strongly else DISAGREE


def pattern(asked: FrozenQuestionnaire, choose) -> Pattern:
    """Return an answer for every statement: choose(reason key, statement) -> value."""
    return [
        [(statement, choose(reason.key, statement)) for statement in reason.statements]
        for reason in asked.reasons
    ]


# -- One step -------------------------------------------------------------------


def normalised(text: str) -> str:
    return " ".join(text.split())


def statement(page: Page, text: str) -> Locator:
    """Return the fieldset of one statement, found by its legend as a screen reader does."""
    return page.get_by_role("group", name=text, exact=True)


def legends(page: Page) -> Locator:
    """Return the statements of the step shown, in the order shown."""
    return page.locator("form fieldset > legend")


def choose(page: Page, text: str, value: int) -> None:
    """Click the label of one answer to a statement."""
    statement(page, text).get_by_text(SCALE_LABELS[value], exact=True).click()


def chosen(page: Page, text: str) -> str | None:
    """Return the label of the answer selected for a statement, or None."""
    checked = statement(page, text).locator("input[type=radio]:checked")
    if checked.count() == 0:
        return None
    return checked.evaluate("input => input.labels[0].textContent.trim()")


def answer(page: Page, answers: Answers) -> None:
    for item, value in answers:
        choose(page, item.text["en"], value)


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def expect_step(page: Page, number: int, title: str, *, of: int = 5) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("progressbar", name=f"Step {number} of {of}")).to_be_visible()


def expect_answers(page: Page, answers: Answers) -> None:
    """Check that each statement shows the given answer as selected."""
    shown = {item.text["en"]: chosen(page, item.text["en"]) for item, _ in answers}
    assert shown == {item.text["en"]: SCALE_LABELS[value] for item, value in answers}


def started(page: Page) -> Submission:
    """Return the submission the page is answering, found from the step's address."""
    page.wait_for_url(STEP_ADDRESS)
    submission_id = STEP_ADDRESS.search(page.url)["submission"]
    return Submission.objects.with_revision().get(pk=submission_id)


def start(page: Page, site: str) -> Submission:
    """Open the home page, press Start, and return the submission just started."""
    page.goto(site)
    press(page, "Start the questionnaire")
    return started(page)


def answer_all(page: Page, asked: FrozenQuestionnaire, steps: Pattern) -> None:
    """From step 1, answer every step and press Next, then "See my results"."""
    for reason, answers in zip(asked.reasons, steps, strict=True):
        expect_step(page, reason.number, reason.title["en"], of=len(steps))
        answer(page, answers)
        press(page, "See my results" if reason.number == len(steps) else "Next")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")


# -- The results page ------------------------------------------------------------


def summary(page: Page) -> str:
    """Return the sentence of the summary that names the reasons that matter most."""
    card = page.get_by_role("region", name="In short")
    return normalised(card.locator("p").first.inner_text())


def ranking(page: Page) -> list[tuple[str, str]]:
    """Return (reason, "score/100 · band") from the overview, in the order shown."""
    rows = page.get_by_role("region", name="In short").get_by_role("listitem")
    return [
        (
            normalised(row.get_by_role("link").inner_text()),
            normalised(row.locator(".score-text").inner_text()),
        )
        for row in rows.all()
    ]


def reason_result(page: Page, title: str) -> Locator:
    return page.get_by_role("region", name=title, exact=True)


def quoted(page: Page, title: str) -> list[tuple[str, str]]:
    """Return (statement, "Your answer: …") for each answer a reason's section quotes."""
    return [
        (
            normalised(item.locator("q").inner_text()),
            normalised(item.locator(".signal-answer").inner_text()),
        )
        for item in reason_result(page, title).locator(".signals li").all()
    ]


# -- Every page, in the order a respondent meets them ----------------------------


def mixed_pattern(asked: FrozenQuestionnaire) -> Pattern:
    """Return answers that give every band: Perseverance strong, Little ML some, others little.

    Little ML gets "Agree" on its heaviest forward-keyed statements and "not me"
    everywhere else, which lands between its two thresholds.
    """
    little_ml = reasons_of(asked)["little-ml"].statements
    heaviest = max(s.weight for s in little_ml if s.direction == scoring.FORWARD)

    def choose(reason: str, item: FrozenStatement) -> int:
        if reason == "perseverance":
            return points_here(item)
        if reason == "little-ml" and item.direction == scoring.FORWARD and item.weight == heaviest:
            return points_here(item, strongly=False)
        return points_away(item)

    return pattern(asked, choose)


def visit_every_page(page: Page, stranger: Page, site: str, look) -> None:
    """Walk through every page a person can meet and call look(page, name) on each.

    `stranger` is a page in another browser, for the shared results and the
    pages that refuse it. A step is also seen with errors, and the landing
    page with a questionnaire in progress.
    """
    page.goto(site)
    look(page, "landing")
    press(page, "Start the questionnaire")
    asked = started(page).frozen
    steps = mixed_pattern(asked)
    for reason, answers in zip(asked.reasons, steps, strict=True):
        number, title = reason.number, reason.title["en"]
        expect_step(page, number, title, of=len(steps))
        if number == 1:
            look(page, "step-1")
            # Two answers given, the rest missing: the step comes back with errors.
            answer(page, answers[:2])
            press(page, "Next")
            expect(page.get_by_role("heading", level=1)).to_have_text(title)
            expect(page.locator("#error-summary")).to_be_visible()
            look(page, "step-1-errors")
        if number == 3:
            # Leave and come back: the landing page offers to continue.
            step_address = page.url
            page.goto(site)
            look(page, "landing-in-progress")
            page.get_by_role("link", name="Continue where I stopped").click()
            expect(page).to_have_url(step_address)
        if number != 1:
            look(page, f"step-{number}")
        answer(page, answers)
        press(page, "See my results" if number == len(steps) else "Next")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")
    look(page, "results")

    results_address = page.url
    stranger.goto(results_address)
    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "Results of a completed questionnaire"
    )
    look(stranger, "results-shared")
    stranger.goto(step_address)
    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "This questionnaire belongs to another browser"
    )
    look(stranger, "another-browser")
    stranger.goto(f"{site}/results/00000000-0000-4000-8000-000000000000/")
    expect(stranger.get_by_role("heading", level=1)).to_have_text("This page does not exist")
    look(stranger, "not-found")
