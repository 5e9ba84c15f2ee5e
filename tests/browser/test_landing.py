"""The landing page in Chromium: the promise, the time and Start in the first screen (issue 13)."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page, Response, expect

from .audit import ARTIFACTS, assert_accessible, csp_violations, screenshot
from .conftest import SIZES

pytestmark = pytest.mark.browser

# Screenshots of the landing page for review, beside those of the step pages.
REVIEW_SCREENSHOTS = ARTIFACTS / "issue13"
LANGUAGES = {"en": "en", "zh": "zh-hans"}
# The sentence of the questionnaire's intro that says how long it takes.
TIME_SENTENCE = {"en": "It takes about five minutes", "zh": "整个过程大约五分钟"}
START = {"en": "Start the questionnaire", "zh": "开始答题"}
CONTINUE = {"en": "Continue where I stopped", "zh": "从上次停下的地方继续"}


@pytest.fixture(params=sorted(LANGUAGES))
def language(request) -> str:
    """Run the test once in English and once in Chinese."""
    return request.param


@pytest.fixture
def visitor(site, new_context, size: str, language: str) -> Page:
    """A first-time visitor's browser at the test's size, set to the test's language.

    The language is the one the switcher would have chosen (its cookie): the
    browser's own locale is set once for the whole session.
    """
    context = new_context(**SIZES[size])
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": LANGUAGES[language], "url": site}]
    )
    return context.new_page()


def bottom(page: Page, locator) -> float:
    """Return the bottom edge of what `locator` finds, in CSS px from the top of the page."""
    box = locator.bounding_box()
    return box["y"] + box["height"] + page.evaluate("window.scrollY")


def screen_height(page: Page) -> int:
    return page.viewport_size["height"]


def test_the_title_the_time_and_start_are_all_on_the_first_screen(site, visitor, size, language):
    page = visitor
    page.goto(site)
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[language])
    start = page.get_by_role("button", name=START[language])
    expect(start).to_be_visible()
    title = page.get_by_role("heading", level=1)
    time = page.locator(".lead-text p", has_text=TIME_SENTENCE[language])
    screenshot(page, f"landing-{language}", size, folder=REVIEW_SCREENSHOTS)
    for name, locator in [("the title", title), ("the time", time), ("Start", start)]:
        assert bottom(page, locator) <= screen_height(page), (
            f"{name} ends at {bottom(page, locator):.0f} px, below the first "
            f"{screen_height(page)} px screen"
        )
    assert csp_violations(page) == []


def test_the_five_reasons_are_still_listed_below(site, visitor, language):
    page = visitor
    page.goto(site)
    expect(page.locator(".reason-list > li")).to_have_count(5)
    assert bottom(page, page.locator(".reason-list")) > bottom(
        page, page.get_by_role("button", name=START[language])
    )


def test_a_returning_person_finds_continue_on_the_first_screen(site, visitor, size, language):
    page = visitor
    page.goto(site)
    page.get_by_role("button", name=START[language]).click()
    page.wait_for_url("**/step/1/")
    page.goto(site)
    carry_on = page.get_by_role("link", name=CONTINUE[language])
    expect(carry_on).to_be_visible()
    screenshot(page, f"landing-returning-{language}", size, folder=REVIEW_SCREENSHOTS)
    assert bottom(page, carry_on) <= screen_height(page)


def test_the_landing_page_has_no_serious_accessibility_problem(site, visitor, size, language):
    visitor.goto(site)
    assert_accessible(visitor, f"landing {language} ({size})")


def test_no_request_is_answered_404_and_favicon_ico_is_the_icon(site, new_context):
    page = new_context().new_page()
    missing: list[str] = []
    icons: list[tuple[int, str]] = []

    def note(response: Response) -> None:
        if response.status == 404:
            missing.append(response.url)
        if "/img/" in response.url or "icon" in response.url:
            icons.append((response.status, response.url))

    page.on("response", note)
    page.goto(site)
    page.get_by_role("button", name=START["en"]).click()
    page.wait_for_url("**/step/1/")
    page.goto(site + "/admin/login/")
    page.wait_for_load_state("networkidle")
    # Browsers ask for /favicon.ico unasked on pages that link no icon, such as admin's.
    answer = page.request.get(site + "/favicon.ico")
    assert answer.status == 200
    assert answer.headers["content-type"] == "image/x-icon"
    assert missing == []
    assert icons, "no page loaded its icon"
    assert all(status == 200 for status, _ in icons), icons
