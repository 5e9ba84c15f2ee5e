"""The respondent's journeys, in Chromium, acting as a person would."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .respondent import (
    FITS,
    FITS_LIST,
    NO_LEAN,
    NOTHING_LEANED,
    SCALE_LABELS,
    SOME,
    STRONG,
    STRONGLY_AGREE,
    UNCLEAR,
    Answers,
    answer,
    answer_all,
    answer_every_step,
    chosen,
    confirm,
    every_band_pattern,
    expect_answers,
    expect_check_page,
    expect_step,
    expected_score,
    headline,
    next_button,
    offered,
    one_reason_flagged,
    pattern,
    points_away,
    points_here,
    press,
    profile,
    quality_notice,
    quoted,
    reason_result,
    reasons_of,
    start,
    started,
    statement,
    tab_to,
)

pytestmark = pytest.mark.browser


def strongest_first(answers: Answers) -> Answers:
    """Return answers as the results quote them: heaviest statements first, then page order."""
    return sorted(answers, key=lambda pair: (-pair[0].weight, pair[0].order))


def as_quoted(answers: Answers) -> list[tuple[str, str]]:
    return [(s.text["en"], f"Your answer: {SCALE_LABELS[value]}") for s, value in answers]


# -- 1. From the landing page to results ------------------------------------------


def test_the_results_answer_first_then_place_each_reason_on_one_scale_and_quote_the_answers(
    site, questionnaire, page: Page
):
    asked = offered(questionnaire)
    steps = every_band_pattern(asked)
    reasons = reasons_of(asked)
    little_ml = reasons["little-ml"]
    little_ml_score = expected_score(steps[little_ml.number - 1])
    # The pattern is meant to land Little ML in "May wear on you"; if the
    # content's weights or thresholds change so that it does not, choose another.
    assert little_ml.some_signs_from <= little_ml_score < little_ml.strong_signs_from

    page.goto(site)
    expect(page.get_by_role("heading", level=1)).to_have_text(asked.title["en"])
    press(page, "Start the questionnaire")
    assert started(page).frozen == asked  # The revision the landing page offered.
    answer_all(page, asked, steps)

    assert headline(page) == (
        "Two parts of the job may wear on you, and nothing else stood out: "
        "Perseverance, then Little ML. "
        "Your answers on Change and rework point both ways, so it is left out."
    )
    # One contradictory reason is said as such, not as a doubt about the whole result.
    notice = quality_notice(page)
    expect(notice.get_by_role("heading")).to_have_text("One part is unclear")
    expect(notice).to_contain_text("Your answers in Change and rework contradict each other")
    assert profile(page) == [
        ("Perseverance", f"{STRONG} · +100"),
        ("Little ML", f"{SOME} · +{little_ml_score}"),
        ("Constant learning", f"{NO_LEAN} · 0"),
        ("Stakeholder management", f"{FITS} · \u2212100"),
        # A reason that cannot be told comes last: its score is not a finding.
        ("Change and rework", UNCLEAR),
    ]
    sections = page.locator("main details.reason-result h3")
    expect(sections).to_have_text([title for title, _ in profile(page)])

    # The strongest answers first: the heaviest statements, then the page's order.
    perseverance_answers = steps[reasons["perseverance"].number - 1]
    assert quoted(page, "Perseverance") == as_quoted(strongest_first(perseverance_answers)[:3])
    assert quoted(page, "Perseverance", FITS_LIST) == []
    little_ml_signs = [(s, v) for s, v in steps[little_ml.number - 1] if v == STRONGLY_AGREE]
    assert quoted(page, "Little ML") == as_quoted(strongest_first(little_ml_signs))
    stakeholder_answers = steps[reasons["stakeholder-management"].number - 1]
    assert quoted(page, "Stakeholder management") == []
    assert quoted(page, "Stakeholder management", FITS_LIST) == as_quoted(
        strongest_first(stakeholder_answers)[:3]
    )
    expect(reason_result(page, "Constant learning")).to_contain_text(NOTHING_LEANED)
    rework = reason_result(page, "Change and rework")
    expect(rework).to_contain_text("These answers point both ways")
    assert [answer for _, answer in quoted(page, "Change and rework")] == ["Your answer: Agree"] * 3
    assert [answer for _, answer in quoted(page, "Change and rework", FITS_LIST)] == [
        "Your answer: Agree"
    ] * 3
    expect(reason_result(page, "Perseverance")).to_contain_text(
        reasons["perseverance"].why_it_matters["en"]
    )


def test_a_step_asks_about_the_statements_without_naming_the_reason_they_test(site, page: Page):
    asked = start(page, site).frozen
    for reason, answers in zip(asked.reasons, every_band_pattern(asked), strict=True):
        expect_step(page, reason.number)
        main = page.locator("main")
        expect(main).not_to_contain_text(reason.title["en"])
        expect(main).not_to_contain_text(reason.summary["en"])
        answer(page, answers)
        press(page, next_button(reason.number))
    expect_check_page(page)
    expect(page.locator("main")).not_to_contain_text(asked.reasons[0].title["en"])


# -- 2. Back, change an answer, finish ---------------------------------------------


def test_going_back_to_change_answers_changes_the_result(site, page: Page):
    asked = start(page, site).frozen
    steps = pattern(asked, lambda reason, item: points_away(item))
    rework = reasons_of(asked)["change-and-rework"]
    for reason, answers in zip(asked.reasons[:4], steps[:4], strict=True):
        expect_step(page, reason.number)
        answer(page, answers)
        press(page, "Next")
    answer(page, steps[4])

    press(page, "Back")
    expect_step(page, 4)
    expect_answers(page, steps[3])
    press(page, "Back")
    expect_step(page, 3)
    expect_answers(page, steps[2])

    # Three statements change from "fits me" to "may wear on me", the two heaviest among them.
    changed_keys = {
        "revisit-old-work",
        "done-for-good-after-handover",
        "upstream-change-feels-wasted",
    }
    changed = [s for s in rework.statements if s.key in changed_keys]
    assert len(changed) == 3
    answer(page, [(s, points_here(s)) for s in changed])
    press(page, "Next")
    expect_step(page, 4)
    expect_answers(page, steps[3])
    press(page, "Next")
    expect_step(page, 5)
    expect_answers(page, steps[4])  # Back kept the last page's answers too.
    press(page, "Check your answers")
    expect_check_page(page)
    confirm(page)

    new_answers = [(s, points_here(s) if s in changed else value) for s, value in steps[2]]
    rework_score = expected_score(new_answers)
    assert rework.some_signs_from <= rework_score < rework.strong_signs_from
    assert headline(page) == (
        "Most of the job looks like a good fit; one part is worth testing first: Change and rework."
    )
    assert profile(page)[0] == ("Change and rework", f"{SOME} · +{rework_score}")
    assert quoted(page, "Change and rework") == as_quoted(
        strongest_first([(s, points_here(s)) for s in changed])
    )
    expect(quality_notice(page)).to_have_count(0)


# -- 3. Leave and come back; another browser --------------------------------------


def test_leaving_midway_resumes_in_the_same_browser_and_another_browser_can_only_read_results(
    site, page: Page, context, second_browser
):
    submission = start(page, site)
    steps = every_band_pattern(submission.frozen)
    for answers in steps[:2]:
        answer(page, answers)
        press(page, "Next")
    expect_step(page, 3)
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
    expect_step(later, 3)
    expect_answers(later, half)
    for unanswered, _ in steps[2][2:]:
        assert chosen(later, unanswered.text["en"]) is None
    press(later, "Back")
    expect_step(later, 2)
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

    # The owner answers the rest: nothing is final until the answers are confirmed.
    press(later, "Next")
    answer(later, steps[2])
    press(later, "Next")
    answer(later, steps[3])
    press(later, "Next")
    answer(later, steps[4])
    press(later, "Check your answers")
    expect_check_page(later)
    assert stranger.goto(results_address).status == 404
    assert stranger.goto(later.url).status == 403  # nor can the stranger confirm them
    confirm(later)
    expect(later).to_have_url(results_address)
    owner_profile = profile(later)

    # Now the stranger can read the results, and still cannot change them.
    response = stranger.goto(results_address)
    assert response.status == 200
    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "Results of a completed questionnaire"
    )
    assert profile(stranger) == owner_profile
    expect(stranger.locator(".signal-answer").first).to_have_text(re.compile("^Answer: "))
    expect(stranger.get_by_role("radio")).to_have_count(0)
    assert stranger.goto(step_three).status == 403
    # Stored as the owner answered, one value per statement in the page's order.
    submission.refresh_from_db()
    assert submission.answer_values() == [value for answers in steps for _, value in answers]
    assert submission.is_complete


# -- 4. Next with a statement unanswered ---------------------------------------------


def test_next_with_a_statement_unanswered_points_to_it_and_keeps_the_other_answers(
    site, page: Page
):
    submission = start(page, site)
    first_step = every_band_pattern(submission.frozen)[0]
    missing, _ = first_step[2]
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

    fieldset.get_by_text(SCALE_LABELS[STRONGLY_AGREE], exact=True).click()
    press(page, "Next")
    expect_step(page, 2)


# -- 6. The keyboard alone -------------------------------------------------------------


def test_the_whole_questionnaire_can_be_completed_with_the_keyboard_alone(site, page: Page):
    page.goto(site)
    tab_to(page, lambda el: el["text"] == "Start the questionnaire", "the start button")
    page.keyboard.press("Enter")
    asked = started(page).frozen
    # Stakeholder management may wear on this person; everything else fits.
    steps = one_reason_flagged(asked, "stakeholder-management")

    for reason, answers in zip(asked.reasons, steps, strict=True):
        expect_step(page, reason.number)
        for item, value in answers:
            name, text = f"q{item.position}", item.text["en"]
            tab_to(page, lambda el, name=name: el["name"] == name, text)
            # Space chooses the first answer, each right arrow moves the choice on by one.
            page.keyboard.press("Space")
            for _ in range(value - 1):
                page.keyboard.press("ArrowRight")
            assert chosen(page, text) == SCALE_LABELS[value]
        button = next_button(reason.number)
        tab_to(page, lambda el, button=button: el["text"] == button, button)
        page.keyboard.press("Enter")

    expect_check_page(page)
    tab_to(page, lambda el: el["text"] == "Confirm and see my results", "the Confirm button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")
    assert headline(page) == (
        "Most of the job looks like a good fit; one part is worth testing first: "
        "Stakeholder management."
    )
    tab_to(page, lambda el: el["text"] == "Stakeholder management", "the headline's link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#reason-stakeholder-management$"))


# -- 8. No JavaScript ---------------------------------------------------------------------


def test_the_questionnaire_works_with_javascript_switched_off(site, no_script_page: Page):
    page = no_script_page
    asked = start(page, site).frozen
    steps = every_band_pattern(asked)
    press(page, "Next")

    error_summary = page.get_by_role("alert")
    expect(error_summary).to_contain_text("6 statements still need an answer")
    expect(error_summary).not_to_be_focused()  # Nothing moved focus: no script ran.
    first, _ = steps[0][0]
    error_summary.get_by_role("link", name=first.text["en"]).click()
    expect(page).to_have_url(re.compile(rf"#fs-id_q{first.position}$"))
    target = page.evaluate("() => document.querySelector(':target').id")
    expect(statement(page, first.text["en"])).to_have_attribute("id", target)

    answer_every_step(page, asked, steps)
    confirm(page)
    assert headline(page).startswith("Two parts of the job may wear on you")
    expect(page.locator("#share-link")).to_have_text(page.url)

    page.goto(site)
    expect(page.get_by_text("You have a questionnaire in progress")).to_have_count(0)
    press(page, "Start the questionnaire")
    expect_step(page, 1)
