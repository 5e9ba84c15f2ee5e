"""Act on the site the way a respondent does: read headings, click labels, press buttons.

What a respondent is asked is a published revision, not the questionnaire an
admin edits: `offered(questionnaire)` is what a new respondent gets, and once
started, `submission.frozen` (or `statements_of`) is what that person answers
to the end. Statements and reasons are FrozenStatements and FrozenReasons;
their texts are shown here in English (`statement.text["en"]`).

The journey: five steps (a step does not name its reason), then the check
page listing every answer with a Change link, then Confirm, then the results.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

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

STEP_HEADING = "How much does each statement sound like you?"
CHECK_HEADING = "Check your answers"
# The last step's Next; on a step opened with Change, its button is SAVE_AND_CHECK.
TO_CHECK = "Check your answers"
SAVE_AND_CHECK = "Save and check your answers"
CONFIRM = "Confirm and see my results"

# The results' first sentence when the answers' quality is low.
NOT_CLEAR = (
    "Your answers do not give a clear picture, so this page cannot tell yet whether "
    "the job suits you."
)
# The results' band words, from "fits" to "wears".
UNCLEAR, FITS, NO_LEAN, SOME, STRONG = (
    "Not enough to tell",
    "Fits you",
    "No clear lean",
    "May wear on you",
    "Likely to wear on you",
)
# The two lists of quoted answers under each reason.
WEARS_LIST = "Answers that say it may wear on you"
FITS_LIST = "Answers that say it fits you"
NOTHING_LEANED = "None of the answers here leaned either way."

# One page's answers: (statement, value on the 1..5 scale), in the page's order.
# Pairs rather than a dict: a FrozenStatement holds its texts in dicts, so it
# cannot be a dict key.
Answers = list[tuple[FrozenStatement, int]]
# An answer pattern: one page's answers for each step, in order.
Pattern = list[Answers]

STEP_ADDRESS = re.compile(r"/s/(?P<submission>[0-9a-f-]{36})/step/\d+/")
CHECK_ADDRESS = re.compile(r"/s/[0-9a-f-]{36}/check/$")
RESULTS_ADDRESS = re.compile(r"/results/[0-9a-f-]{36}/$")


# -- What is asked ------------------------------------------------------------------


def offered(questionnaire: Questionnaire) -> FrozenQuestionnaire:
    """Return what a new respondent is asked: the questionnaire's latest published revision."""
    return questionnaire.latest_revision().frozen


def reasons_of(asked: FrozenQuestionnaire) -> dict[str, FrozenReason]:
    """Return the reasons of a revision by key."""
    return {reason.key: reason for reason in asked.reasons}


# -- Answer patterns, from the revision's content ---------------------------------


def points_away(statement: FrozenStatement, *, strongly: bool = True) -> int:
    """Return the answer that says "this part of the job fits me"."""
    if statement.direction == scoring.FORWARD:
        return STRONGLY_DISAGREE if strongly else DISAGREE
    return STRONGLY_AGREE if strongly else AGREE


def points_here(statement: FrozenStatement, *, strongly: bool = True) -> int:
    """Return the answer that says "this part of the job may wear on me"."""
    if statement.direction == scoring.FORWARD:
        return STRONGLY_AGREE if strongly else AGREE
    return STRONGLY_DISAGREE if strongly else DISAGREE


def pattern(asked: FrozenQuestionnaire, choose) -> Pattern:
    """Return an answer for every statement: choose(reason key, statement) -> value."""
    return [
        [(statement, choose(reason.key, statement)) for statement in reason.statements]
        for reason in asked.reasons
    ]


def same_answer(asked: FrozenQuestionnaire, value: int) -> Pattern:
    """Return one answer to every statement, as someone clicking through would give."""
    return pattern(asked, lambda reason, statement: value)


def one_reason_flagged(asked: FrozenQuestionnaire, flagged: str) -> Pattern:
    """Return answers that say `flagged` may wear on the person and every other reason fits."""
    return pattern(
        asked,
        lambda reason, statement: (
            points_here(statement) if reason == flagged else points_away(statement)
        ),
    )


def every_band_pattern(asked: FrozenQuestionnaire) -> Pattern:
    """Return answers that land the five reasons in the five bands.

    - Constant learning: every answer neutral: No clear lean, 0.
    - Perseverance: every answer points here: Likely to wear on you, +100.
    - Change and rework: "Agree" to everything, its statements and their
      opposites alike: Not enough to tell (the answers contradict), 0.
    - Stakeholder management: every answer points away: Fits you, −100.
    - Little ML: "Strongly agree" to its forward-keyed statements, neutral to
      the rest; their weights are half of the reason's: May wear on you, +50.
    """

    def choose(reason: str, statement: FrozenStatement) -> int:
        if reason == "constant-learning":
            return NEUTRAL
        if reason == "perseverance":
            return points_here(statement)
        if reason == "change-and-rework":
            return AGREE
        if reason == "stakeholder-management":
            return points_away(statement)
        return STRONGLY_AGREE if statement.direction == scoring.FORWARD else NEUTRAL

    return pattern(asked, choose)


def expected_score(answers: Answers) -> int:
    """Return the score a reason must get, worked out by hand from the content's weights.

    `answers` are the reason's whole page. An answer leans from -1 ("fits
    you") to +1 ("may wear on you"), half as far one step from neutral; on a
    reverse-keyed statement agreeing leans towards "fits you". A reason's
    score is the weighted mean lean on -100..+100, rounded half away from zero.
    """
    lean = {(scoring.FORWARD, v): (v - 3) / 2 for v in range(1, 6)} | {
        (scoring.REVERSE, v): (3 - v) / 2 for v in range(1, 6)
    }
    total = sum(s.weight * lean[s.direction, value] for s, value in answers)
    exact = Decimal(100 * total / sum(s.weight for s, _ in answers))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


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


def next_button(number: int, of: int = 5) -> str:
    """Return the name of a step's Next button: the last step's leads to the check page."""
    return TO_CHECK if number == of else "Next"


def expect_step(page: Page, number: int, *, of: int = 5) -> None:
    """Check that the page is step `number`: its heading, progress bar and title."""
    expect(page.get_by_role("heading", level=1)).to_have_text(STEP_HEADING)
    expect(page.get_by_role("progressbar", name=f"Step {number} of {of}")).to_be_visible()
    # A step that came back with errors says so first in its title.
    expect(page).to_have_title(re.compile(rf"^(Error: )?Step {number} of {of} · mlfit$"))


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


def answer_every_step(page: Page, asked: FrozenQuestionnaire, steps: Pattern) -> None:
    """From step 1, answer every step and press Next; end on the check page."""
    for reason, answers in zip(asked.reasons, steps, strict=True):
        expect_step(page, reason.number, of=len(steps))
        answer(page, answers)
        press(page, next_button(reason.number, len(steps)))
    expect_check_page(page)


def confirm(page: Page) -> None:
    """Press Confirm on the check page and land on the results."""
    press(page, CONFIRM)
    expect(page).to_have_url(RESULTS_ADDRESS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")


def answer_all(page: Page, asked: FrozenQuestionnaire, steps: Pattern) -> None:
    """From step 1, answer every step, then confirm on the check page: end on the results."""
    answer_every_step(page, asked, steps)
    confirm(page)


# -- The check page --------------------------------------------------------------


def expect_check_page(page: Page) -> None:
    expect(page).to_have_url(CHECK_ADDRESS)
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECK_HEADING)


def checked_answers(page: Page) -> list[tuple[str, str]]:
    """Return (statement, answer) for every row of the check page, in the order shown."""
    return [
        (
            normalised(row.locator("dt").inner_text()),
            normalised(row.locator(".check-answer").inner_text()),
        )
        for row in page.locator(".check-row").all()
    ]


def change_link(page: Page, text: str) -> Locator:
    """Return the Change link of one statement, by the name a screen reader reads out."""
    return page.get_by_role("link", name=f"Change your answer to “{text}”", exact=True)


def quality_notice(page: Page) -> Locator:
    return page.locator("section.quality-notice")


# -- The results page ------------------------------------------------------------


def headline(page: Page) -> str:
    """Return the sentence the results open with: the answer to "is the job for me?"."""
    return normalised(page.locator("p.answer-first").inner_text())


def profile(page: Page) -> list[tuple[str, str]]:
    """Return (reason, "band · signed score") from the profile chart's table, in the order shown.

    The table holds the chart's numbers for screen readers; a reason that
    cannot be told has its band and no score.
    """
    rows = page.locator(".summary-card table tbody tr")
    found = []
    for row in rows.all():
        band, score = (normalised(cell.text_content()) for cell in row.locator("td").all()[:2])
        title = normalised(row.locator("th").text_content())
        found.append((title, band if score == "—" else f"{band} · {score}"))
    return found


def reason_result(page: Page, title: str) -> Locator:
    """Return a reason's detail (a <details> whose heading is the reason's title)."""
    return page.locator("details.reason-result").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def quoted(page: Page, title: str, listed: str = WEARS_LIST) -> list[tuple[str, str]]:
    """Return (statement, "Your answer: …") for each answer quoted under one of a reason's lists.

    `listed` is the list's heading: WEARS_LIST or FITS_LIST.
    """
    items = reason_result(page, title).locator(f"h4:text-is('{listed}') + ul.signals > li")
    return [
        (
            normalised(item.locator("q").text_content()),
            normalised(item.locator(".signal-answer").text_content()),
        )
        for item in items.all()
    ]


# -- Every page, in the order a respondent meets them ----------------------------


def visit_every_page(page: Page, stranger: Page, site: str, look) -> None:
    """Walk through every page a person can meet and call look(page, name) on each.

    `stranger` is a page in another browser, for the shared results and the
    pages that refuse it. A step is also seen with errors, the landing page
    with a questionnaire in progress, the check page with its notice (one
    reason's answers contradict) and a step opened from it with Change.
    """
    page.goto(site)
    look(page, "landing")
    press(page, "Start the questionnaire")
    asked = started(page).frozen
    steps = every_band_pattern(asked)
    for reason, answers in zip(asked.reasons, steps, strict=True):
        number = reason.number
        expect_step(page, number, of=len(steps))
        if number == 1:
            look(page, "step-1")
            # Two answers given, the rest missing: the step comes back with errors.
            answer(page, answers[:2])
            press(page, "Next")
            expect_step(page, 1, of=len(steps))
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
        press(page, next_button(number, len(steps)))
    expect_check_page(page)
    expect(quality_notice(page)).to_be_visible()
    look(page, "check")

    changed, _ = steps[1][0]
    change_link(page, changed.text["en"]).click()
    expect_step(page, 2, of=len(steps))
    look(page, "step-2-from-check")
    press(page, SAVE_AND_CHECK)
    expect_check_page(page)
    confirm(page)
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


# -- The keyboard ------------------------------------------------------------------


def focused(page: Page) -> dict:
    """Return what has the keyboard focus: tag, type, name, text and link address."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "",
                    text: (el.innerText || el.value || "").trim().replace(/\\s+/g, " "),
                    href: el.getAttribute("href") || ""};
        }"""
    )


def tab_to(page: Page, wanted, what: str, limit: int = 80) -> None:
    """Press Tab until the focused element is the one wanted."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if wanted(focused(page)):
            return
    raise AssertionError(f"Tab never reached {what}; stopped at {focused(page)}")
