"""Act on the site the way a respondent does: read headings, click labels, press buttons."""

from __future__ import annotations

from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from assessments import scoring
from assessments.models import Question, Questionnaire

# The scale's labels are translated when shown; Playwright needs plain strings.
with translation.override("en"):
    SCALE_LABELS = {value: str(label) for value, label in scoring.SCALE}
STRONGLY_DISAGREE, DISAGREE, NEUTRAL, AGREE, STRONGLY_AGREE = 1, 2, 3, 4, 5

# An answer pattern: for each step (in order), {statement: value on the 1..5 scale}.
Pattern = list[dict[Question, int]]


# -- Answer patterns, from the questionnaire's content --------------------------


def points_away(question: Question, *, strongly: bool = True) -> int:
    """Return the answer that says "this is not me": no sign of the reason."""
    if question.direction == scoring.FORWARD:
        return STRONGLY_DISAGREE if strongly else DISAGREE
    return STRONGLY_AGREE if strongly else AGREE


def points_here(question: Question, *, strongly: bool = True) -> int:
    """Return the answer that points to the reason ("ML engineering may not fit")."""
    if question.direction == scoring.FORWARD:
        return STRONGLY_AGREE if strongly else AGREE
    return STRONGLY_DISAGREE if strongly else DISAGREE


def pattern(questionnaire: Questionnaire, choose) -> Pattern:
    """Return an answer for every statement: choose(reason key, question) -> value."""
    return [
        {question: choose(step.category.key, question) for question in step.questions}
        for step in questionnaire.steps()
    ]


def reason_steps(questionnaire: Questionnaire) -> dict[str, list[Question]]:
    """Return each reason's active statements, by reason key."""
    return {step.category.key: step.questions for step in questionnaire.steps()}


# -- One step -------------------------------------------------------------------


def normalised(text: str) -> str:
    return " ".join(text.split())


def statement(page: Page, text: str) -> Locator:
    """Return the fieldset of one statement, found by its legend as a screen reader does."""
    return page.get_by_role("group", name=text, exact=True)


def choose(page: Page, text: str, value: int) -> None:
    """Click the label of one answer to a statement."""
    statement(page, text).get_by_text(SCALE_LABELS[value], exact=True).click()


def chosen(page: Page, text: str) -> str | None:
    """Return the label of the answer selected for a statement, or None."""
    checked = statement(page, text).locator("input[type=radio]:checked")
    if checked.count() == 0:
        return None
    return checked.evaluate("input => input.labels[0].textContent.trim()")


def answer(page: Page, answers: dict[Question, int]) -> None:
    for question, value in answers.items():
        choose(page, question.statement, value)


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def expect_step(page: Page, number: int, title: str, *, of: int = 5) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("progressbar", name=f"Step {number} of {of}")).to_be_visible()


def expect_answers(page: Page, answers: dict[Question, int]) -> None:
    """Check that each statement shows the given answer as selected."""
    shown = {question.statement: chosen(page, question.statement) for question in answers}
    assert shown == {q.statement: SCALE_LABELS[value] for q, value in answers.items()}


def start(page: Page, site: str) -> None:
    page.goto(site)
    press(page, "Start the questionnaire")


def answer_all(page: Page, steps: Pattern) -> None:
    """From step 1, answer every step and press Next, then "See my results"."""
    for number, answers in enumerate(steps, start=1):
        first = next(iter(answers))
        expect_step(page, number, first.category.title, of=len(steps))
        answer(page, answers)
        press(page, "See my results" if number == len(steps) else "Next")
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


def mixed_pattern(questionnaire: Questionnaire) -> Pattern:
    """Return answers that give every band: Perseverance strong, Little ML some, others little.

    Little ML gets "Agree" on its heaviest forward-keyed statements and "not me"
    everywhere else, which lands between its two thresholds.
    """
    little_ml = reason_steps(questionnaire)["little-ml"]
    heaviest = max(q.weight for q in little_ml if q.direction == scoring.FORWARD)

    def choose(reason: str, question: Question) -> int:
        if reason == "perseverance":
            return points_here(question)
        if (
            reason == "little-ml"
            and question.direction == scoring.FORWARD
            and question.weight == heaviest
        ):
            return points_here(question, strongly=False)
        return points_away(question)

    return pattern(questionnaire, choose)


def visit_every_page(
    page: Page, stranger: Page, site: str, questionnaire: Questionnaire, look
) -> None:
    """Walk through every page a person can meet and call look(page, name) on each.

    `stranger` is a page in another browser, for the shared results and the
    pages that refuse it. A step is also seen with errors, and the landing
    page with a questionnaire in progress.
    """
    steps = mixed_pattern(questionnaire)
    page.goto(site)
    look(page, "landing")
    press(page, "Start the questionnaire")
    for number, answers in enumerate(steps, start=1):
        expect_step(page, number, next(iter(answers)).category.title, of=len(steps))
        if number == 1:
            look(page, "step-1")
            # Two answers given, the rest missing: the step comes back with errors.
            answer(page, dict(list(answers.items())[:2]))
            press(page, "Next")
            expect(page.get_by_role("heading", level=1)).to_have_text(
                next(iter(answers)).category.title
            )
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
