"""The language switcher in Chromium: without JavaScript, on every page, keeping answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import statements_of

from .respondent import AGREE, answer, chosen, expect_step, press, reasons_of, start

pytestmark = pytest.mark.browser


def switcher(page: Page):
    return page.get_by_role("banner").get_by_role("group", name="Language")


def test_the_switcher_turns_the_page_chinese_without_javascript(site, no_script_page: Page):
    page = no_script_page
    page.goto(site)
    english = switcher(page).get_by_role("button", name="English")
    expect(english).to_have_attribute("aria-current", "true")
    expect(english).to_be_disabled()

    switcher(page).get_by_role("button", name="简体中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="开始答题")).to_be_visible()
    chinese = page.get_by_role("banner").get_by_role("group", name="语言")
    expect(chinese.get_by_role("button", name="简体中文")).to_have_attribute("aria-current", "true")
    # Each language is named in its own language, and marked as such.
    expect(chinese.get_by_role("button", name="English").locator("span")).to_have_attribute(
        "lang", "en"
    )


def test_switching_language_on_a_step_keeps_the_answers_not_yet_saved(site, no_script_page: Page):
    page = no_script_page
    submission = start(page, site)
    first_step = statements_of(submission, 1)
    chosen_now = [(item, AGREE) for item in first_step[:2]]
    answer(page, chosen_now)

    switcher(page).get_by_role("button", name="简体中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("progressbar", name="第 1 步，共 5 步")).to_be_visible()
    for item, _ in chosen_now:
        assert chosen(page, item.text["zh-hans"]) == "同意"
    assert chosen(page, first_step[2].text["zh-hans"]) is None


def test_pressing_enter_on_an_answer_still_means_next_not_another_language(site, page: Page):
    reasons = reasons_of(start(page, site).frozen)
    answer(page, [(item, AGREE) for item in reasons["constant-learning"].statements])

    page.keyboard.press("Enter")

    expect_step(page, 2)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    press(page, "Back")
    expect_step(page, 1)
