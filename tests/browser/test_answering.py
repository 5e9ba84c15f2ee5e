"""Answering a step as quickly as the best form products: by mouse, thumb or keyboard.

A step is about one laptop screen and two phone screens, in English and in
Chinese; the next statement comes into view after an answer; keys 1 to 5
answer the statement in focus and Enter goes on once the page is complete;
the progress bar and the time left move on as answers are chosen. Without
JavaScript the page works as before. Screenshots for review are left in
test-artifacts/issue13/.
"""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from assessments.models import Submission

from .audit import ARTIFACTS, assert_accessible, csp_violations, horizontal_overflow, screenshot
from .conftest import LAPTOP, PHONE, SIZES
from .respondent import (
    SCALE_LABELS,
    answer,
    choose,
    expect_check_page,
    expect_step,
    focused,
    next_button,
    press,
    same_answer,
    start,
    started,
    statement,
    tab_to,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = ARTIFACTS / "issue13"
# How many screens a step may take: about one on a laptop, about two on a phone.
MOST_SCREENS = {"desktop": 1.15, "phone": 2.2}
# The language each page is shown in, as if chosen with the language switcher.
LANGUAGES = {"en": "en", "zh": "zh-hans"}
NEXT = "Next"
# The page's grey, a card's white, or nothing drawn at all.
CALM = {"rgb(244, 246, 250)", "rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"}


def page_height(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def in_viewport(page: Page, selector: str) -> bool:
    """Return whether the element lies wholly inside the visible part of the page."""
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        selector,
    )


def radio_of(item, value: int) -> str:
    """Return the CSS selector of one answer's radio button."""
    return f"#id_q{item.position}_{value - 1}"


def fieldset_of(item) -> str:
    return f"#fs-id_q{item.position}"


def stored_answers(submission: Submission) -> str:
    submission.refresh_from_db()
    return submission.answers


# -- Less scrolling -------------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_step_is_about_one_laptop_screen_and_two_phone_screens(
    site, new_context, size: str, language: str
):
    context = new_context(**SIZES[size])
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": LANGUAGES[language], "url": site}]
    )
    page = context.new_page()
    page.emulate_media(reduced_motion="reduce")
    page.goto(site)
    page.locator("form[action$='/start/'] button[type='submit']").first.click()
    asked = started(page).frozen
    screen = page.viewport_size["height"]
    heights = []
    for reason, answers in zip(asked.reasons, same_answer(asked, 2), strict=True):
        page.wait_for_url(re.compile(rf"/step/{reason.number}/$"))
        heights.append(page_height(page))
        if reason.number == 1:
            screenshot(page, f"step-1-{language}", size, SCREENSHOTS)
        for item, value in answers:
            page.locator(f"label[for='{radio_of(item, value)[1:]}']").click()
        if reason.number == 1:
            screenshot(page, f"step-1-answered-{language}", size, SCREENSHOTS)
        page.locator(".step-actions button[value='next']").click()
    page.wait_for_url(re.compile("/check/$"))
    print(f"\nstep heights, {size} {language}: {heights} (screen {screen}px)")
    assert max(heights) <= MOST_SCREENS[size] * screen, heights


def test_on_a_phone_the_five_answers_sit_in_one_row_of_thumb_sized_buttons(site, phone: Page):
    submission = start(phone, site)
    for item in submission.frozen.reasons[0].statements:
        labels = phone.locator(f"{fieldset_of(item)} label")
        boxes = [label.bounding_box() for label in labels.all()]
        assert len({round(box["y"]) for box in boxes}) == 1, "the answers are not in one row"
        for box in boxes:
            assert 44 <= box["height"] <= 64, box
            assert box["width"] >= 44, box
    assert horizontal_overflow(phone) == 0


def test_on_a_laptop_each_statement_is_one_row_and_the_answers_line_up(site, new_context):
    page = new_context(viewport=LAPTOP).new_page()
    submission = start(page, site)
    columns = set()
    for item in submission.frozen.reasons[0].statements:
        legend = page.locator(f"{fieldset_of(item)} > legend").bounding_box()
        labels = [
            label.bounding_box() for label in page.locator(f"{fieldset_of(item)} label").all()
        ]
        # The answers are to the right of the statement, on the same row.
        assert all(box["x"] > legend["x"] + legend["width"] for box in labels)
        assert len({round(box["y"]) for box in labels}) == 1
        columns.add(tuple(round(box["x"]) for box in labels))
    assert len(columns) == 1, f"the answers of the rows do not line up: {columns}"


# -- The next statement comes to you --------------------------------------------------


def test_a_tap_brings_the_next_statement_into_view_without_moving_focus(site, phone: Page):
    submission = start(phone, site)
    statements = submission.frozen.reasons[0].statements
    for item, following in zip(statements[:3], statements[1:4], strict=True):
        choose(phone, item.text["en"], 4)
        # The page scrolls smoothly: wait for the next statement to be wholly in view.
        phone.wait_for_function(
            """(selector) => {
                const box = document.querySelector(selector).getBoundingClientRect();
                return box.top >= 0 && box.bottom <= window.innerHeight;
            }""",
            arg=fieldset_of(following),
        )
        box = phone.locator(fieldset_of(following)).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
        # A click is not a keyboard shortcut: focus stays with the answer clicked.
        assert focused(phone)["name"] == f"q{item.position}"


def test_with_reduced_motion_the_next_statement_is_in_view_at_once(site, phone: Page):
    phone.emulate_media(reduced_motion="reduce")
    submission = start(phone, site)
    first, second, third, *_ = submission.frozen.reasons[0].statements
    choose(phone, second.text["en"], 2)
    # Not smooth: the third statement is already in view when the click returns.
    assert in_viewport(phone, fieldset_of(third))
    choose(phone, first.text["en"], 2)
    # The first statement open after the first one is the third: the second is answered.
    assert in_viewport(phone, fieldset_of(third))


def test_the_last_answer_on_a_page_brings_next_into_view(site, phone: Page):
    phone.emulate_media(reduced_motion="reduce")
    asked = start(phone, site).frozen
    answer(phone, same_answer(asked, 3)[0])
    assert in_viewport(phone, ".step-actions")


# -- The keyboard ---------------------------------------------------------------------


def test_keys_1_to_5_answer_and_enter_goes_on_only_from_a_complete_page(site, page: Page):
    submission = start(page, site)
    s1, s2, s3, s4, s5, s6 = submission.frozen.reasons[0].statements
    step_one = page.url

    tab_to(page, lambda el: el["name"] == f"q{s1.position}", "the first statement")
    page.keyboard.press("4")
    expect(page.locator(radio_of(s1, 4))).to_be_checked()
    expect(page.locator(radio_of(s2, 1))).to_be_focused()  # on to the next statement
    page.keyboard.press("2")
    expect(page.locator(radio_of(s2, 2))).to_be_checked()
    expect(page.locator(radio_of(s3, 1))).to_be_focused()

    # Tab passes over the third statement; the keys go on to the next one still open.
    page.keyboard.press("Tab")
    expect(page.locator(radio_of(s4, 1))).to_be_focused()
    for key, item, after in [("5", s4, s5), ("1", s5, s6), ("3", s6, s3)]:
        page.keyboard.press(key)
        expect(page.locator(radio_of(item, int(key)))).to_be_checked()
        expect(page.locator(radio_of(after, 1))).to_be_focused()
    # The progress bar and the time left move on with every answer.
    progress = page.get_by_role("progressbar", name="Step 1 of 5")
    expect(progress).to_have_attribute("value", "5")
    expect(page.locator("#time-left")).to_have_text("About 5 minutes left")  # 25 x 10 s

    # Enter on an incomplete page goes to the statement still open, not to the next page.
    page.keyboard.press("Shift+Tab")
    expect(page.locator(radio_of(s2, 2))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(radio_of(s3, 1))).to_be_focused()
    assert page.url == step_one
    expect(page.locator("#error-summary")).to_have_count(0)

    page.keyboard.press("3")
    expect(page.locator(radio_of(s3, 3))).to_be_checked()
    expect(page.locator(radio_of(s3, 3))).to_be_focused()  # nothing left open: it stays
    expect(progress).to_have_attribute("value", "6")
    expect(page.locator("#time-left")).to_have_text("About 4 minutes left")
    page.keyboard.press("Enter")
    expect_step(page, 2)
    assert stored_answers(submission)[:6] == "423513"


def test_the_whole_questionnaire_by_keys_alone(site, page: Page):
    """Tab into each step, a key per statement, Enter: count the keys and the time."""
    page.goto(site)
    keys = 0
    tab_to(page, lambda el: el["text"] == "Start the questionnaire", "the start button")
    page.keyboard.press("Enter")
    asked = started(page).frozen
    began = time.monotonic()
    for reason in asked.reasons:
        expect_step(page, reason.number)
        first = reason.statements[0]
        for _ in range(10):
            page.keyboard.press("Tab")
            keys += 1
            if focused(page)["name"] == f"q{first.position}":
                break
        for index, _item in enumerate(reason.statements):
            page.keyboard.press(str(index % 5 + 1))
            keys += 1
        page.keyboard.press("Enter")
        keys += 1
    expect_check_page(page)
    seconds = time.monotonic() - began
    print(
        f"\nkeyboard only: {keys} key presses for {asked.statement_count} statements, {seconds:.1f} s"
    )
    # Per step: a few Tabs into the first statement, one key per statement, Enter.
    assert keys <= asked.statement_count + len(asked.reasons) * 6


def test_keys_do_nothing_outside_the_statements_and_the_hint_is_said_only_with_the_script(
    site, page: Page
):
    submission = start(page, site)
    first = submission.frozen.reasons[0].statements[0]
    hint = page.locator(".key-hint")
    expect(hint).to_have_text(re.compile(r"^Tip: keys 1 to 5 answer the statement in focus"))
    expect(hint).to_be_attached()
    assert hint.evaluate("el => getComputedStyle(el).display") != "none"
    page.locator("body").press("3")
    expect(page.locator(f"{fieldset_of(first)} input:checked")).to_have_count(0)


# -- Without JavaScript -----------------------------------------------------------------


def test_without_javascript_the_steps_work_by_mouse_as_before(site, no_script_page: Page):
    page = no_script_page
    submission = start(page, site)
    asked = submission.frozen
    steps = same_answer(asked, 4)
    hint = page.locator(".key-hint")
    assert hint.evaluate("el => getComputedStyle(el).display") == "none"
    expect(page.get_by_role("button", name="Back to the start page")).to_be_visible()
    for reason, answers in zip(asked.reasons, steps, strict=True):
        expect_step(page, reason.number)
        # Drawn by the server from the answers stored: six a step.
        progress = page.get_by_role("progressbar", name=f"Step {reason.number} of 5")
        expect(progress).to_have_attribute("value", str(6 * (reason.number - 1)))
        answer(page, answers)
        press(page, next_button(reason.number))
    expect_check_page(page)
    assert stored_answers(submission) == "4" * 30
    assert csp_violations(page) == []


# -- Errors that help ---------------------------------------------------------------------


def test_an_incomplete_next_focuses_the_summary_and_marks_only_the_missing_statements(
    site, page: Page
):
    submission = start(page, site)
    statements = submission.frozen.reasons[0].statements
    answered, missing = statements[:2], statements[2:]
    for item in answered:
        choose(page, item.text["en"], 5)
    press(page, NEXT)

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("4 statements still need an answer")
    red = "rgb(180, 35, 24)"
    for item in missing:
        fieldset = page.locator(fieldset_of(item))
        expect(fieldset).to_have_class(re.compile(r"\bhas-error\b"))
        expect(fieldset.locator(".statement-error")).to_have_count(1)
        expect(fieldset).to_have_css("border-left-color", red)
    for item in answered:
        fieldset = page.locator(fieldset_of(item))
        expect(fieldset).not_to_have_class(re.compile(r"\bhas-error\b"))
        expect(fieldset).not_to_have_css("border-left-color", red)
        expect(fieldset.locator(".statement-error")).to_have_count(0)
    # Nothing else turns red: not the page, not the summary, not the answered statements.
    for selector in ["body", "main", "#error-summary", fieldset_of(missing[0])]:
        background = page.locator(selector).evaluate("el => getComputedStyle(el).backgroundColor")
        assert background in CALM, (selector, background)
    screenshot(page, "step-1-errors-en", "desktop", SCREENSHOTS)

    # A link of the summary goes to its statement.
    summary.get_by_role("link", name=missing[1].text["en"]).click()
    expect(page.locator(radio_of(missing[1], 1))).to_be_focused()


# -- Accessibility -------------------------------------------------------------------------


def test_the_step_page_has_no_serious_accessibility_problem_at_either_size(
    site, sized_page: Page, size: str
):
    page = sized_page
    submission = start(page, site)
    first, second, *_ = submission.frozen.reasons[0].statements
    assert_accessible(page, f"step 1 ({size})")
    choose(page, first.text["en"], 1)
    assert_accessible(page, f"step 1 answered ({size})")
    choose(page, second.text["en"], 5)
    press(page, NEXT)
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page, f"step 1 with errors ({size})")
    screenshot(page, "step-1-errors-en", size, SCREENSHOTS)
    assert horizontal_overflow(page) == 0
    assert csp_violations(page) == []
    # The statement answered still says which answer in words, to a screen reader too.
    expect(
        statement(page, first.text["en"]).get_by_label(SCALE_LABELS[1], exact=True)
    ).to_be_checked()
