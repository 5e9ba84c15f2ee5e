"""The respondent's journeys, in Chromium, acting as a person would."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from assessments import scoring

from .respondent import (
    AGREE,
    SCALE_LABELS,
    STRONGLY_AGREE,
    Answers,
    answer,
    answer_all,
    chosen,
    expect_answers,
    expect_step,
    mixed_pattern,
    offered,
    pattern,
    points_away,
    points_here,
    press,
    quoted,
    ranking,
    reason_result,
    reasons_of,
    start,
    started,
    statement,
    summary,
)

pytestmark = pytest.mark.browser

NOTHING_LEANED = "None of the answers on this page leaned this way."


def score(answers: Answers) -> int:
    """Return the score a reason must get, worked out by hand from the content's weights.

    `answers` are the reason's whole page. Signals: "points here" strongly is
    1, mildly ("Agree" to a forward statement) is 0.75, "not me" strongly is
    0; a reason's score is the weighted mean on 0..100, rounded half up.
    """
    signal = {(scoring.FORWARD, v): (v - 1) / 4 for v in range(1, 6)} | {
        (scoring.REVERSE, v): (5 - v) / 4 for v in range(1, 6)
    }
    total = sum(s.weight * signal[s.direction, value] for s, value in answers)
    return int(100 * total / sum(s.weight for s, _ in answers) + 0.5)


# -- 1. From the landing page to results ------------------------------------------


def test_the_results_name_the_reasons_the_answers_point_to_strongest_first_and_quote_them(
    site, questionnaire, page: Page
):
    asked = offered(questionnaire)
    steps = mixed_pattern(asked)
    reasons = reasons_of(asked)
    perseverance, little_ml = reasons["perseverance"], reasons["little-ml"]
    little_ml_answers = steps[little_ml.number - 1]
    little_ml_score = score(little_ml_answers)
    # The pattern is meant to land Little ML in "some signs"; if the content's
    # weights or thresholds change so that it does not, choose another pattern.
    assert little_ml.some_signs_from <= little_ml_score < little_ml.strong_signs_from

    page.goto(site)
    expect(page.get_by_role("heading", level=1)).to_have_text(asked.title["en"])
    press(page, "Start the questionnaire")
    assert started(page).frozen == asked  # The revision the landing page offered.
    answer_all(page, asked, steps)

    assert summary(page) == (
        "Your answers point most to Perseverance (strong signs, 100/100) "
        f"and then Little ML (some signs, {little_ml_score}/100)."
    )
    assert ranking(page) == [
        ("Perseverance", "100/100 · Strong signs"),
        ("Little ML", f"{little_ml_score}/100 · Some signs"),
        # Ties keep the questionnaire's order.
        ("Constant learning", "0/100 · Little sign"),
        ("Change and rework", "0/100 · Little sign"),
        ("Stakeholder management", "0/100 · Little sign"),
    ]
    sections = page.locator("main section[id^=reason-] h2")
    expect(sections).to_have_text([title for title, _ in ranking(page)])

    # The strongest answers first: the heaviest statements, then the page's order.
    strongest = sorted(
        steps[perseverance.number - 1], key=lambda pair: (-pair[0].weight, pair[0].order)
    )
    assert quoted(page, "Perseverance") == [
        (s.text["en"], f"Your answer: {SCALE_LABELS[value]}") for s, value in strongest[:3]
    ]
    assert [answer for _, answer in quoted(page, "Perseverance")] == [
        "Your answer: Strongly agree",
        "Your answer: Strongly disagree",
        "Your answer: Strongly agree",
    ]
    agreed = [s for s, value in little_ml_answers if value == AGREE]
    assert quoted(page, "Little ML") == [(s.text["en"], "Your answer: Agree") for s in agreed]
    for title in ("Constant learning", "Change and rework", "Stakeholder management"):
        expect(reason_result(page, title)).to_contain_text(NOTHING_LEANED)
    expect(reason_result(page, "Perseverance")).to_contain_text(perseverance.why_it_matters["en"])


# -- 2. Back, change an answer, finish ---------------------------------------------


def test_going_back_to_change_answers_changes_the_result(site, page: Page):
    asked = start(page, site).frozen
    steps = pattern(asked, lambda reason, item: points_away(item))
    rework = reasons_of(asked)["change-and-rework"]
    for reason, answers in zip(asked.reasons[:4], steps[:4], strict=True):
        expect_step(page, reason.number, reason.title["en"])
        answer(page, answers)
        press(page, "Next")
    answer(page, steps[4])

    press(page, "Back")
    expect_step(page, 4, "Stakeholder management")
    expect_answers(page, steps[3])
    press(page, "Back")
    expect_step(page, 3, "Change and rework")
    expect_answers(page, steps[2])

    # Two forward-keyed statements change from "Strongly disagree" to "Strongly agree".
    changed = [s for s in rework.statements if s.direction == scoring.FORWARD][:2]
    answer(page, [(s, STRONGLY_AGREE) for s in changed])
    press(page, "Next")
    expect_step(page, 4, "Stakeholder management")
    expect_answers(page, steps[3])
    press(page, "Next")
    expect_step(page, 5, "Little ML")
    expect_answers(page, steps[4])  # Back kept the last page's answers too.
    press(page, "See my results")

    new_answers = [(s, STRONGLY_AGREE if s in changed else value) for s, value in steps[2]]
    rework_score = score(new_answers)
    assert rework.some_signs_from <= rework_score < rework.strong_signs_from
    assert summary(page) == (
        f"Your answers point most to Change and rework (some signs, {rework_score}/100)."
    )
    assert ranking(page)[0] == ("Change and rework", f"{rework_score}/100 · Some signs")
    assert quoted(page, "Change and rework") == [
        (s.text["en"], "Your answer: Strongly agree")
        for s in sorted(changed, key=lambda s: (-s.weight, s.order))
    ]


# -- 3. Leave and come back; another browser --------------------------------------


def test_leaving_midway_resumes_in_the_same_browser_and_another_browser_can_only_read_results(
    site, page: Page, context, second_browser
):
    submission = start(page, site)
    steps = mixed_pattern(submission.frozen)
    for answers in steps[:2]:
        answer(page, answers)
        press(page, "Next")
    expect_step(page, 3, "Change and rework")
    half = steps[2][:2]
    answer(page, half)
    press(page, "Next")  # Incomplete: the two answers are saved, the step comes back.
    expect(page.locator("#error-summary")).to_be_visible()
    step_three = page.url
    page.close()

    # Later, in the same browser.
    later = context.new_page()
    later.goto(site)
    expect(
        later.get_by_role("heading", name="You have a questionnaire in progress")
    ).to_be_visible()
    later.get_by_role("link", name="Continue where I stopped").click()
    expect(later).to_have_url(step_three)
    expect_step(later, 3, "Change and rework")
    expect_answers(later, half)
    for unanswered, _ in steps[2][2:]:
        assert chosen(later, unanswered.text["en"]) is None
    press(later, "Back")
    expect_step(later, 2, "Perseverance")
    expect_answers(later, steps[1])

    # Someone else, with the link to the step, cannot open it.
    stranger = second_browser.new_page()
    response = stranger.goto(step_three)
    assert response.status == 403
    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "This questionnaire belongs to another browser"
    )
    results_address = f"{site}/results/{submission.pk}/"
    response = stranger.goto(results_address)
    assert response.status == 404
    expect(stranger.get_by_role("heading", level=1)).to_have_text("These results are not ready")
    stranger.goto(site)
    expect(stranger.get_by_text("You have a questionnaire in progress")).to_have_count(0)

    # The owner finishes.
    press(later, "Next")
    answer(later, steps[2])
    press(later, "Next")
    answer(later, steps[3])
    press(later, "Next")
    answer(later, steps[4])
    press(later, "See my results")
    expect(later).to_have_url(results_address)
    owner_summary = summary(later)

    # Now the stranger can read the results, and still cannot change them.
    response = stranger.goto(results_address)
    assert response.status == 200
    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "Results of a completed questionnaire"
    )
    assert summary(stranger) == owner_summary.replace("Your answers", "The answers")
    expect(stranger.locator(".signal-answer").first).to_have_text(re.compile("^Answer: "))
    expect(stranger.get_by_role("radio")).to_have_count(0)
    assert stranger.goto(step_three).status == 403
    # Stored as the owner answered, one value per statement in the page's order.
    submission.refresh_from_db()
    assert submission.answer_values() == [value for answers in steps for _, value in answers]


# -- 4. Next with a statement unanswered ---------------------------------------------


def test_next_with_a_statement_unanswered_points_to_it_and_keeps_the_other_answers(
    site, page: Page
):
    submission = start(page, site)
    first_step = mixed_pattern(submission.frozen)[0]
    missing, missing_value = first_step[2]
    given = [(s, value) for s, value in first_step if s is not missing]
    answer(page, given)
    press(page, "Next")

    expect(page).to_have_title(re.compile(r"^Error: Step 1 of 5"))
    error_summary = page.get_by_role("alert")
    expect(error_summary).to_contain_text("1 statement still needs an answer")
    expect(error_summary).to_be_focused()  # Moved there by the page's script.
    fieldset = statement(page, missing.text["en"])
    expect(fieldset.locator(".statement-error")).to_have_text(
        "! Please choose an answer for this statement."
    )
    expect(fieldset).to_have_accessible_description(
        re.compile("Please choose an answer for this statement")
    )
    expect(page.locator(".statement-error")).to_have_count(1)
    expect_answers(page, given)

    error_summary.get_by_role("link", name=missing.text["en"]).click()
    expect(fieldset.get_by_role("radio").first).to_be_focused()
    expect(fieldset).to_be_in_viewport()

    fieldset.get_by_text(SCALE_LABELS[missing_value], exact=True).click()
    press(page, "Next")
    expect_step(page, 2, "Perseverance")


# -- 6. The keyboard alone -------------------------------------------------------------


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "",
                    text: (el.innerText || el.value || "").trim()};
        }"""
    )


def tab_to(page: Page, wanted, what: str, limit: int = 60) -> None:
    """Press Tab until the focused element is the one wanted."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if wanted(focused(page)):
            return
    raise AssertionError(f"Tab never reached {what}; stopped at {focused(page)}")


def test_the_whole_questionnaire_can_be_completed_with_the_keyboard_alone(site, page: Page):
    page.goto(site)
    tab_to(page, lambda el: el["text"] == "Start the questionnaire", "the start button")
    page.keyboard.press("Enter")
    asked = started(page).frozen
    # Stakeholder management points here; everything else says "not me".
    steps = pattern(
        asked,
        lambda reason, s: points_here(s) if reason == "stakeholder-management" else points_away(s),
    )

    for reason, answers in zip(asked.reasons, steps, strict=True):
        expect_step(page, reason.number, reason.title["en"])
        for item, value in answers:
            name, text = f"q{item.position}", item.text["en"]
            tab_to(page, lambda el, name=name: el["name"] == name, text)
            # Space chooses the first answer, each right arrow moves the choice on by one.
            page.keyboard.press("Space")
            for _ in range(value - 1):
                page.keyboard.press("ArrowRight")
            assert chosen(page, text) == SCALE_LABELS[value]
        button = "See my results" if reason.number == len(steps) else "Next"
        tab_to(page, lambda el, button=button: el["text"] == button, button)
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")
    assert summary(page) == (
        "Your answers point most to Stakeholder management (strong signs, 100/100)."
    )
    tab_to(page, lambda el: el["text"] == "Stakeholder management", "the summary's link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#reason-stakeholder-management$"))


# -- 8. No JavaScript ---------------------------------------------------------------------


def test_the_questionnaire_works_with_javascript_switched_off(site, no_script_page: Page):
    page = no_script_page
    asked = start(page, site).frozen
    steps = mixed_pattern(asked)
    press(page, "Next")

    error_summary = page.get_by_role("alert")
    expect(error_summary).to_contain_text("6 statements still need an answer")
    expect(error_summary).not_to_be_focused()  # Nothing moved focus: no script ran.
    first, _ = steps[0][0]
    error_summary.get_by_role("link", name=first.text["en"]).click()
    expect(page).to_have_url(re.compile(rf"#fs-id_q{first.position}$"))
    target = page.evaluate("() => document.querySelector(':target').id")
    expect(statement(page, first.text["en"])).to_have_attribute("id", target)

    answer_all(page, asked, steps)
    assert summary(page).startswith("Your answers point most to Perseverance (strong signs")
    expect(page.get_by_label("Private link to this page")).to_have_value(page.url)

    page.goto(site)
    expect(page.get_by_text("You have a questionnaire in progress")).to_have_count(0)
    press(page, "Start the questionnaire")
    expect_step(page, 1, "Constant learning")
