"""The results page as a person keeps, prints, shares, compares and deletes it, in Chromium.

Each test answers the questionnaire through the site with Django's test
client (the steps themselves are covered by the journeys) and hands the
browser that client's cookie, so it starts on a finished questionnaire.
Screenshots for review go to test-artifacts/issue10/.
"""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader

from assessments.models import Submission

from ..conftest import complete, leaning, start
from .audit import ARTIFACTS, assert_accessible, csp_violations, horizontal_overflow, screenshot
from .conftest import PHONE, SIZES

pytestmark = pytest.mark.browser

SCREENSHOTS = ARTIFACTS / "issue10"
# Perseverance likely to wear on this person, little ML may; the rest fits.
MIXED = {"perseverance": 2, "little-ml": 1}


def answered_in(context: BrowserContext, site: str, leans: dict[str, int], client=None):
    """Answer the questionnaire as this browser (through the site); return the submission."""
    client = client or Client()
    for cookie in context.cookies():
        client.cookies[cookie["name"]] = cookie["value"]
    submission = start(client)
    complete(client, submission, leaning(submission, leans))
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": site}
            for name, morsel in client.cookies.items()
        ]
    )
    return submission


def speaks(context: BrowserContext, site: str, language: str) -> None:
    """Have the browser ask for pages in `language`, as the language switcher leaves it."""
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site}])


def open_results(page: Page, site: str, submission: Submission) -> None:
    page.goto(f"{site}{submission.get_absolute_url()}")
    expect(page.locator("p.answer-first")).to_be_visible()


def review(page: Page, name: str, size: str = "desktop") -> None:
    assert horizontal_overflow(page) == 0, f"{name} scrolls sideways"
    assert csp_violations(page) == [], name
    assert_accessible(page, name)
    screenshot(page, name, size, SCREENSHOTS)


def top_of(page: Page, selector: str) -> float:
    return page.evaluate(
        "(s) => document.querySelector(s).getBoundingClientRect().top + window.scrollY", selector
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_on_a_phone_the_answer_chart_roles_and_actions_fit_in_three_screens(
    site, new_context, language: str
):
    context = new_context(**SIZES["phone"])
    speaks(context, site, language)
    submission = answered_in(context, site, MIXED)
    page = context.new_page()
    open_results(page, site, submission)
    expect(page.locator("html")).to_have_attribute("lang", language)

    details = top_of(page, ".details-heading")
    assert details <= 3 * PHONE["height"], f"the details start at {details:.0f} px"
    for part in (".result-actions", ".summary-card svg", ".roles-card", ".try-card"):
        assert top_of(page, part) < details, part
    # The strongest reasons are open, the others folded.
    expect(page.locator("details.reason-result[open]")).to_have_count(2)
    expect(page.locator("details.reason-result:not([open])")).to_have_count(3)
    review(page, f"results-{language}", "phone")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_chart_is_labelled_and_readable_at_both_sizes(site, new_context, size: str):
    context = new_context(**SIZES[size])
    submission = answered_in(context, site, MIXED)
    page = context.new_page()
    open_results(page, site, submission)

    chart = page.locator(".summary-card svg")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] >= 300
    for words in ("Perseverance", "+100", "Likely to wear on you", "Fits you"):
        expect(chart).to_contain_text(words)
    smallest = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('.summary-card svg text')]"
        ".map((t) => t.getBoundingClientRect().height))"
    )
    assert smallest >= 9, f"chart text only {smallest:.1f} px high"
    review(page, "results", size)


def test_printing_keeps_the_chart_drops_the_controls_and_fits_two_a4_pages(site, new_context):
    context = new_context(**SIZES["desktop"])
    submission = answered_in(context, site, MIXED)
    page = context.new_page()
    open_results(page, site, submission)
    page.emulate_media(media="print")

    expect(page.locator(".summary-card svg")).to_be_visible()
    expect(page.locator(".brand")).to_be_visible()
    for hidden in (".language-switcher", ".action-buttons", ".site-footer"):
        expect(page.locator(hidden)).to_be_hidden()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    printed = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (SCREENSHOTS / "results-print.pdf").write_bytes(printed)
    pages = PdfReader(io.BytesIO(printed)).pages
    assert 1 <= len(pages) <= 2, f"printed on {len(pages)} pages"
    first = pages[0].extract_text()
    assert "Perseverance" in first and "Your results" in first


def test_copy_link_works_from_the_keyboard(site, new_context):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    submission = answered_in(context, site, MIXED)
    page = context.new_page()
    open_results(page, site, submission)

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.hasAttribute('data-copy-link')"):
            break
    else:
        pytest.fail("Tab never reached Copy link")
    page.keyboard.press("Enter")

    expect(page.locator("[data-copy-status]")).to_contain_text("Link copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url
    expect(page.get_by_role("button", name="Copy link")).to_be_focused()


def test_share_opens_the_share_sheet_where_the_browser_has_one(site, new_context):
    context = new_context(**SIZES["phone"])
    context.add_init_script(
        "navigator.share = (data) => { window.sharedWith = data; return Promise.resolve(); };"
    )
    submission = answered_in(context, site, MIXED)
    page = context.new_page()
    open_results(page, site, submission)

    page.get_by_role("button", name="Share").click()

    assert page.evaluate("() => window.sharedWith") == {
        "title": "My ML engineering fit profile",
        "url": page.url,
    }


def test_without_javascript_the_link_is_text_and_only_working_actions_show(site, new_context):
    context = new_context(java_script_enabled=False)
    submission = answered_in(context, site, MIXED)
    page = context.new_page()
    open_results(page, site, submission)

    for name in ("Copy link", "Share", "Print"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    expect(page.locator("#share-link")).to_have_text(page.url)
    # The details still open and close without the script.
    page.locator("details.reason-result:not([open]) > summary").first.click()
    expect(page.locator("details.reason-result[open]")).to_have_count(3)


def test_the_pdf_download_is_a_pdf_of_these_results(site, new_context):
    context = new_context()
    submission = answered_in(context, site, MIXED)
    page = context.new_page()
    open_results(page, site, submission)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()

    assert re.fullmatch(r"mlfit-results-\d{4}-\d\d-\d\d\.pdf", download.value.suggested_filename)
    text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Perseverance" in text


def test_a_visitor_with_the_link_is_invited_to_take_it_and_sees_no_private_actions(
    site, new_context
):
    submission = answered_in(new_context(), site, MIXED)
    page = new_context(**SIZES["phone"]).new_page()
    open_results(page, site, submission)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Results of a completed questionnaire"
    )
    expect(page.get_by_role("link", name="Take the questionnaire yourself")).to_be_visible()
    expect(page.get_by_role("link", name="Delete my results")).to_have_count(0)
    expect(page.get_by_role("button", name="Answer again")).to_have_count(0)
    review(page, "results-visitor", "phone")


def test_the_owner_deletes_by_keyboard_and_the_link_is_gone(site, new_context):
    context = new_context()
    submission = answered_in(context, site, MIXED)
    page = context.new_page()
    open_results(page, site, submission)
    link = page.url

    page.get_by_role("link", name="Delete my results").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your results?")
    review(page, "delete-confirm")
    page.get_by_role("button", name="Delete for good").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("were deleted")
    assert not Submission.objects.filter(pk=submission.pk).exists()
    assert page.goto(link).status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("These results were deleted")
    review(page, "deleted-410")


def test_a_returning_person_finds_earlier_results_and_a_comparison(site, new_context):
    context = new_context(**SIZES["phone"])
    answered_in(context, site, {"perseverance": 2, "little-ml": 1})
    page = context.new_page()
    page.goto(site)
    expect(page.get_by_role("heading", name="Your earlier results")).to_be_visible()
    review(page, "landing-earlier-results", "phone")

    retake = answered_in(context, site, {"perseverance": 1, "little-ml": 1})
    open_results(page, site, retake)

    compare = page.get_by_role("region", name=re.compile("Since your result of"))
    expect(compare).to_contain_text("Perseverance")
    expect(compare).to_contain_text("+100")
    expect(compare).to_contain_text("+50")
    review(page, "results-retake", "phone")
    page.goto(site)
    expect(page.locator(".earlier-list li")).to_have_count(2)


def test_the_results_and_delete_pages_in_chinese_pass_axe(site, new_context):
    context = new_context()
    speaks(context, site, "zh-hans")
    submission = answered_in(context, site, MIXED)
    page = context.new_page()
    open_results(page, site, submission)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    review(page, "results-chinese")
    page.goto(f"{site}/results/{submission.pk}/delete/")
    review(page, "delete-chinese")
