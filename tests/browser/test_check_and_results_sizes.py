"""The check page and the results at laptop (1366x900) and phone (390x844) size.

Each test runs at both sizes (the `size` fixture), checks the page with
axe-core, makes sure nothing scrolls sideways, and leaves a full-page
screenshot for review in test-artifacts/issue9/<page>-<desktop|phone>.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .audit import (
    REVIEW_SCREENSHOTS,
    assert_accessible,
    csp_violations,
    horizontal_overflow,
    screenshot,
)
from .conftest import SIZES
from .respondent import (
    AGREE,
    FITS,
    NEUTRAL,
    NO_LEAN,
    NOT_CLEAR,
    STRONG,
    UNCLEAR,
    answer_every_step,
    confirm,
    expect_step,
    headline,
    pattern,
    points_away,
    points_here,
    profile,
    quality_notice,
    reason_result,
    same_answer,
    start,
)

pytestmark = pytest.mark.browser

TITLES = [
    "Constant learning",
    "Perseverance",
    "Change and rework",
    "Stakeholder management",
    "Little ML",
]


def review(page: Page, name: str, size: str) -> None:
    """Check a page as an auditor would, then keep a screenshot of it for review."""
    assert horizontal_overflow(page) == 0, f"{name} scrolls sideways at {size} size"
    assert csp_violations(page) == [], name
    assert_accessible(page, f"{name} ({size})")
    screenshot(page, name, size, REVIEW_SCREENSHOTS)


def fits_mildly(asked):
    """Return answers that say every part fits, mildly: "Disagree" or "Agree", never strongly."""
    return pattern(asked, lambda reason, s: points_away(s, strongly=False))


def one_flagged_rest_fit(asked):
    """Perseverance may wear on this person (strong answers); the rest fit, mildly said."""
    return pattern(
        asked,
        lambda reason, s: (
            points_here(s) if reason == "perseverance" else points_away(s, strongly=False)
        ),
    )


PROFILES = {
    "clear-profile": (
        one_flagged_rest_fit,
        "Most of the job looks like a good fit; one part is worth testing first: Perseverance.",
        [("Perseverance", f"{STRONG} · +100")]
        + [(title, f"{FITS} · \u221250") for title in TITLES if title != "Perseverance"],
    ),
    "fits-everything": (
        fits_mildly,
        "Every part of the job these questions cover looks like a good fit for you.",
        [(title, f"{FITS} · \u221250") for title in TITLES],
    ),
    "all-neutral": (
        lambda asked: same_answer(asked, NEUTRAL),
        NOT_CLEAR,
        [(title, f"{NO_LEAN} · 0") for title in TITLES],
    ),
}


def test_the_check_page_and_results_with_a_quality_notice_have_no_serious_axe_violations(
    site, sized_page: Page, size: str
):
    page = sized_page
    asked = start(page, site).frozen
    expect_step(page, 1)
    review(page, "step-1", size)
    answer_every_step(page, asked, same_answer(asked, AGREE))

    expect(quality_notice(page)).to_contain_text("You gave the same answer, “Agree”")
    review(page, "check-quality-notice", size)
    confirm(page)

    assert headline(page) == NOT_CLEAR
    expect(quality_notice(page)).to_contain_text("Read this result with care")
    assert profile(page) == [(title, UNCLEAR) for title in TITLES]
    review(page, "results-quality-notice", size)


@pytest.mark.parametrize("kind", sorted(PROFILES))
def test_the_results_open_with_the_answer_and_say_each_reasons_band_in_words(
    site, sized_page: Page, size: str, kind: str
):
    answers, first_sentence, expected_profile = PROFILES[kind]
    page = sized_page
    asked = start(page, site).frozen
    answer_every_step(page, asked, answers(asked))
    if kind == "clear-profile":
        expect(quality_notice(page)).to_have_count(0)
        review(page, "check", size)
    confirm(page)

    assert headline(page) == first_sentence
    assert profile(page) == expected_profile
    if kind == "all-neutral":
        expect(quality_notice(page)).to_contain_text(
            "100% of your answers were “Neither agree nor disagree”"
        )
    else:
        expect(quality_notice(page)).to_have_count(0)
    review(page, f"results-{kind}", size)


def test_chinese_results_fit_both_sizes(site, new_context, size: str):
    """A clear profile's results in Chinese, switched to with the header's language button."""
    page = new_context(**SIZES[size]).new_page()
    asked = start(page, site).frozen
    answer_every_step(page, asked, one_flagged_rest_fit(asked))
    page.get_by_role("banner").get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.locator("form.check-confirm").get_by_role("button").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    perseverance = reason_result(page, "毅力")
    expect(perseverance.locator(".band-badge")).to_contain_text("+100")
    assert "毅力" in headline(page)
    review(page, "results-chinese", size)
