"""The check-answers page in Chromium: change an answer, confirm, and the answers' quality notice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from assessments import scoring

from .audit import REVIEW_SCREENSHOTS, screenshot
from .conftest import LAPTOP
from .respondent import (
    AGREE,
    CONFIRM,
    FITS_LIST,
    NOT_CLEAR,
    SAVE_AND_CHECK,
    SCALE_LABELS,
    STRONG,
    UNCLEAR,
    answer,
    answer_every_step,
    change_link,
    checked_answers,
    confirm,
    expect_check_page,
    expect_step,
    expected_score,
    headline,
    one_reason_flagged,
    profile,
    quality_notice,
    quoted,
    same_answer,
    start,
    statement,
    tab_to,
)
from .test_chinese import SCALE as SCALE_ZH

pytestmark = pytest.mark.browser

# Two or more Latin letters in a row: an English word left in a Chinese page.
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def rows_of(steps) -> list[tuple[str, str]]:
    """Return the check page's rows for an answer pattern: (statement, answer)."""
    return [(s.text["en"], SCALE_LABELS[value]) for answers in steps for s, value in answers]


def fragment_target(page: Page) -> str | None:
    """Return the id of the element the address's #fragment points to."""
    return page.evaluate("() => document.querySelector(':target')?.id ?? null")


# -- Change an answer ---------------------------------------------------------------


def test_an_answer_can_be_changed_from_the_check_page_and_confirmed_with_the_keyboard_alone(
    site, page: Page
):
    submission = start(page, site)
    asked = submission.frozen
    steps = one_reason_flagged(asked, "perseverance")
    answer_every_step(page, asked, steps)  # The steps by keyboard: see test_journeys.
    changed, old_value = steps[1][1]
    text = changed.text["en"]
    assert old_value == 1  # "Strongly disagree", and it becomes "Agree": 3 to the right.

    tab_to(page, lambda el: el["href"].endswith(f"#fs-id_q{changed.position}"), "its Change link")
    expect(page.locator(":focus")).to_have_accessible_name(f"Change your answer to “{text}”")
    page.keyboard.press("Enter")

    # The statement's fieldset is the target: the page opens on it.
    expect(page).to_have_url(re.compile(rf"/step/2/\?checking#fs-id_q{changed.position}$"))
    expect_step(page, 2)
    fieldset = statement(page, text)
    expect(fieldset).to_have_attribute("id", fragment_target(page))
    expect(fieldset).to_be_in_viewport()
    expect(page.get_by_role("button", name="Back")).to_have_count(0)
    # Tab goes on from the target, into the statement, to the answer chosen before.
    page.keyboard.press("Tab")
    expect(fieldset.get_by_label(SCALE_LABELS[old_value], exact=True)).to_be_focused()
    for _ in range(AGREE - old_value):
        page.keyboard.press("ArrowRight")
    expect(fieldset.get_by_label(SCALE_LABELS[AGREE], exact=True)).to_be_checked()
    tab_to(page, lambda el: el["text"] == SAVE_AND_CHECK, "the save button")
    page.keyboard.press("Enter")

    expect_check_page(page)
    new_steps = [[(s, AGREE if s is changed else v) for s, v in answers] for answers in steps]
    assert checked_answers(page) == rows_of(new_steps)
    tab_to(page, lambda el: el["text"] == CONFIRM, "the Confirm button")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")
    perseverance = expected_score(new_steps[1])
    assert perseverance < 100
    assert profile(page)[0] == ("Perseverance", f"{STRONG} · +{perseverance}")
    assert quoted(page, "Perseverance", FITS_LIST) == [(text, "Your answer: Agree")]
    submission.refresh_from_db()
    assert submission.is_complete
    assert submission.answer_values()[changed.position] == AGREE


def test_an_answer_can_be_changed_and_confirmed_with_javascript_switched_off(
    site, no_script_page: Page
):
    page = no_script_page
    submission = start(page, site)
    asked = submission.frozen
    steps = one_reason_flagged(asked, "perseverance")
    answer_every_step(page, asked, steps)
    changed, _ = steps[3][4]
    text = changed.text["en"]

    change_link(page, text).click()
    expect(page).to_have_url(re.compile(rf"/step/4/\?checking#fs-id_q{changed.position}$"))
    expect_step(page, 4)
    expect(statement(page, text)).to_have_attribute("id", fragment_target(page))
    expect(page.get_by_role("button", name="Back")).to_have_count(0)
    answer(page, [(changed, scoring.NEUTRAL)])
    page.get_by_role("button", name=SAVE_AND_CHECK).click()

    expect_check_page(page)
    new_steps = [
        [(s, scoring.NEUTRAL if s is changed else v) for s, v in answers] for answers in steps
    ]
    assert checked_answers(page) == rows_of(new_steps)
    submission.refresh_from_db()
    assert not submission.is_complete  # Saved, not yet confirmed.
    confirm(page)
    submission.refresh_from_db()
    assert submission.is_complete
    assert submission.answer_values()[changed.position] == scoring.NEUTRAL
    assert profile(page)[0] == ("Perseverance", f"{STRONG} · +100")


# -- The answers' quality ---------------------------------------------------------------


def test_the_same_answer_to_every_statement_is_pointed_out_before_and_after_confirming(
    site, page: Page
):
    submission = start(page, site)
    asked = submission.frozen
    answer_every_step(page, asked, same_answer(asked, AGREE))

    notice = quality_notice(page)
    expect(notice.get_by_role("heading")).to_have_text("Before you confirm")
    expect(notice.get_by_role("listitem")).to_have_text(
        [
            re.compile(r"^You gave the same answer, “Agree”, to every statement\. "),
            # The check page names steps, not reasons: the steps do not name them either.
            re.compile(
                r"^Your answers in step 1, step 2, step 3, step 4 and step 5 contradict each other"
            ),
        ]
    )
    # Said before the answers, where it is read before confirming.
    assert notice.bounding_box()["y"] < page.locator(".check-step").first.bounding_box()["y"]
    confirm(page)

    intro_sentence = page.locator("main h1 + p")
    expect(intro_sentence).to_have_text(NOT_CLEAR)
    assert headline(page) == NOT_CLEAR
    notice = quality_notice(page)
    expect(notice.get_by_role("heading")).to_have_text("Read this result with care")
    expect(notice).to_contain_text("You gave the same answer, “Agree”, to every statement.")
    expect(notice).to_contain_text(
        "Your answers in Constant learning, Perseverance, Change and rework, "
        "Stakeholder management and Little ML contradict each other"
    )
    expect(notice).to_contain_text("they are weak evidence")
    # First the sentence, then the notice, then the profile.
    tops = [
        locator.bounding_box()["y"]
        for locator in (
            intro_sentence,
            notice,
            page.get_by_role("region", name="Your profile"),
        )
    ]
    assert tops == sorted(tops)
    assert {band for _, band in profile(page)} == {UNCLEAR}
    submission.refresh_from_db()
    assert submission.quality_flags == "straight-line,contradictions"


def test_the_quality_notice_and_the_first_sentence_are_in_chinese_on_a_chinese_page(
    site, new_context
):
    context = new_context(viewport=LAPTOP)
    page = context.new_page()
    asked = start(page, site).frozen
    answer_every_step(page, asked, same_answer(asked, AGREE))
    page.get_by_role("banner").get_by_role("button", name="简体中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/check/$"))
    notice = quality_notice(page)
    expect(notice).to_be_visible()
    # The answer it quotes is the scale's Chinese label.
    expect(notice.get_by_role("listitem").first).to_contain_text(SCALE_ZH[AGREE])
    confirm_button = page.locator("form.check-confirm").get_by_role("button")
    confirm_name = confirm_button.inner_text()
    confirm_button.click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("p.answer-first")).to_be_visible()
    screenshot(page, "results-quality-notice-chinese", "desktop", REVIEW_SCREENSHOTS)
    first_sentence = headline(page)
    notice = quality_notice(page)
    expect(notice.get_by_role("listitem").first).to_contain_text(SCALE_ZH[AGREE])
    expect(page.locator("main h1 + p")).to_have_text(first_sentence)
    # Everything new on these pages is said in Chinese, with no English left in.
    english = {
        "check page's Confirm button": ENGLISH_WORD.findall(confirm_name),
        "first sentence": ENGLISH_WORD.findall(first_sentence),
        "results notice": ENGLISH_WORD.findall(notice.inner_text()),
    }
    assert english == {name: [] for name in english}


def test_answering_faster_than_a_person_can_read_is_pointed_out(site, page: Page, real_clock):
    """Playwright's own pace: the reason the other tests give each step reading time."""
    submission = start(page, site)
    asked = submission.frozen
    answer_every_step(page, asked, one_reason_flagged(asked, "perseverance"))

    expect(quality_notice(page).get_by_role("listitem")).to_have_text(
        [re.compile(r"^You took about \d+\.\d seconds a statement, faster than most people")]
    )
    confirm(page)
    assert headline(page) == NOT_CLEAR
    submission.refresh_from_db()
    assert submission.quality_flags == "speeding"


def test_the_browsers_back_button_after_confirming_leads_to_the_results_again(site, page: Page):
    submission = start(page, site)
    asked = submission.frozen
    answer_every_step(page, asked, one_reason_flagged(asked, "little-ml"))
    check_address = page.url
    confirm(page)
    results_address = page.url
    submission.refresh_from_db()
    completed_at = submission.completed_at

    # The check page is never kept by the browser: going back asks for it
    # again, and a confirmed questionnaire's check page is its results.
    page.go_back()
    expect(page).to_have_url(results_address)
    page.goto(check_address)
    expect(page).to_have_url(results_address)
    expect(page.get_by_role("button", name=CONFIRM)).to_have_count(0)
    submission.refresh_from_db()
    assert submission.completed_at == completed_at
