"""A person whose browser asks for Chinese takes the whole questionnaire in Chinese."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from assessments import scoring

from .audit import screenshot
from .respondent import normalised, points_away, points_here, reasons_of, started

pytestmark = pytest.mark.browser

with translation.override("zh-hans"):
    SCALE = {value: str(label) for value, label in scoring.SCALE}
    START, NEXT, RESULTS = (
        gettext("Start the questionnaire"),
        gettext("Next"),
        gettext("See my results"),
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
    for step in steps:
        expect(page.get_by_role("heading", level=1)).to_have_text(step.title["zh-hans"])
        for item in step.statements:
            answer = (
                points_here(item) if step.key == "stakeholder-management" else points_away(item)
            )
            group = page.get_by_role("group", name=item.text["zh-hans"], exact=True)
            group.get_by_text(SCALE[answer], exact=True).click()
        page.get_by_role("button", name=RESULTS if step is steps[-1] else NEXT).click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    reason = reasons_of(submission.frozen)["stakeholder-management"]
    title = reason.title["zh-hans"]
    card = page.get_by_role("region", name="利益相关者管理", exact=True)
    expect(card).to_contain_text("迹象明显")
    expect(card).to_contain_text("100/100")
    expect(card).to_contain_text(reason.why_it_matters["zh-hans"])
    strongest = sorted(reason.statements, key=lambda s: (-s.weight, s.order))[0]
    quotes = [normalised(q) for q in card.locator(".signals q").all_inner_texts()]
    assert strongest.text["zh-hans"] in quotes
    answers = card.locator(".signal-answer").all_inner_texts()
    assert all(SCALE[5] in text or SCALE[1] in text for text in answers)
    summary = normalised(page.locator(".summary-card p").first.inner_text())
    assert title in summary
    assert "迹象明显" in summary
    # Nothing of the English content leaks into the Chinese page.
    body = page.locator("main").inner_text()
    assert reason.title["en"] not in body
    assert strongest.text["en"] not in body
    screenshot(page, "results-chinese", "desktop")
