"""A person whose browser asks for Chinese takes the whole questionnaire in Chinese."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from assessments import scoring

from .audit import screenshot
from .respondent import (
    CONFIRM,
    STEP_HEADING,
    TO_CHECK,
    normalised,
    one_reason_flagged,
    reason_result,
    reasons_of,
    started,
)

pytestmark = pytest.mark.browser

with translation.override("zh-hans"):
    SCALE = {value: str(label) for value, label in scoring.SCALE}
    START, NEXT, TO_CHECK_ZH, CHECK_HEADING_ZH, CONFIRM_ZH, STEP_HEADING_ZH, STRONG_ZH = (
        gettext("Start the questionnaire"),
        gettext("Next"),
        gettext(TO_CHECK),
        gettext("Check your answers"),
        gettext(CONFIRM),
        gettext(STEP_HEADING),
        str(scoring.Band.STRONG.label),
    )


@pytest.fixture(scope="module")
def browser_context_args(browser_context_args: dict) -> dict:
    """A browser set to Chinese: it sends Accept-Language: zh-CN."""
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture
def chinese_page(new_context) -> Page:
    return new_context().new_page()


def test_the_whole_questionnaire_and_its_result_in_chinese(site, chinese_page):
    page = chinese_page
    page.goto(site)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("机器学习工程师适合你吗？")
    page.get_by_role("button", name=START).click()

    submission = started(page)
    steps = submission.frozen.reasons
    answers = one_reason_flagged(submission.frozen, "stakeholder-management")
    for step, step_answers in zip(steps, answers, strict=True):
        expect(
            page.get_by_role("progressbar", name=f"第 {step.number} 步，共 5 步")
        ).to_be_visible()
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text(STEP_HEADING_ZH)
        expect(heading).not_to_have_text(STEP_HEADING)
        for item, answer in step_answers:
            group = page.get_by_role("group", name=item.text["zh-hans"], exact=True)
            group.get_by_text(SCALE[answer], exact=True).click()
        page.get_by_role("button", name=TO_CHECK_ZH if step is steps[-1] else NEXT).click()

    # The check page quotes every statement and answer in Chinese.
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECK_HEADING_ZH)
    first, first_answer = answers[0][0]
    rows = page.locator(".check-row")
    expect(rows).to_have_count(submission.frozen.statement_count)
    expect(rows.first.locator("dt")).to_have_text(first.text["zh-hans"])
    expect(rows.first.locator(".check-answer")).to_have_text(SCALE[first_answer])
    page.get_by_role("button", name=CONFIRM_ZH).click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    reason = reasons_of(submission.frozen)["stakeholder-management"]
    title = reason.title["zh-hans"]
    card = reason_result(page, "利益相关者管理")
    expect(card.locator(".band-badge")).to_have_text(f"{STRONG_ZH} · +100")
    expect(card).to_contain_text(reason.why_it_matters["zh-hans"])
    strongest = sorted(reason.statements, key=lambda s: (-s.weight, s.order))[0]
    quotes = [normalised(q) for q in card.locator(".signals q").all_inner_texts()]
    assert strongest.text["zh-hans"] in quotes
    answers_quoted = card.locator(".signal-answer").all_inner_texts()
    assert all(SCALE[5] in text or SCALE[1] in text for text in answers_quoted)
    first_sentence = normalised(page.locator("p.answer-first").inner_text())
    assert title in first_sentence
    # Nothing of the English content leaks into the Chinese page.
    body = page.locator("main").inner_text()
    assert reason.title["en"] not in body
    assert strongest.text["en"] not in body
    assert "Likely to wear on you" not in body
    screenshot(page, "results-chinese", "desktop")
