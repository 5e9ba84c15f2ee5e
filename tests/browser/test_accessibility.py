"""Accessibility in Chromium: axe-core on every page, and what axe cannot judge alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import statements_of

from .audit import assert_accessible, axe, csp_violations, screenshot
from .respondent import (
    FITS,
    NO_LEAN,
    SCALE_LABELS,
    SOME,
    STRONG,
    UNCLEAR,
    answer_all,
    every_band_pattern,
    next_button,
    press,
    profile,
    reason_result,
    start,
    statement,
    visit_every_page,
)

pytestmark = pytest.mark.browser


def test_every_page_has_no_serious_or_critical_axe_violations_at_desktop_size(
    site, page: Page, second_browser
):
    def look(current: Page, name: str) -> None:
        screenshot(current, name, "desktop")
        assert_accessible(current, f"{name} (desktop)")
        assert csp_violations(current) == [], name

    visit_every_page(page, second_browser.new_page(), site, look)


def test_the_checkers_notice_problems_planted_in_a_real_page(site, page: Page):
    """Axe runs despite the site's Content-Security-Policy, and the CSP recorder works."""
    page.goto(site)
    assert csp_violations(page) == []
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<img src="/static/img/favicon.svg"><p style="color: red">Inline style</p>')"""
    )
    assert "image-alt" in {violation["id"] for violation in axe(page, "checker-self-check")}
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert csp_violations(page)[0].startswith("style-src-attr blocked inline")


def test_each_statement_is_a_fieldset_whose_legend_is_the_statement(site, page: Page):
    submission = start(page, site)
    steps = submission.frozen.reasons
    for step in steps:
        statements = statements_of(submission, step.number)
        fieldsets = page.locator("form fieldset")
        expect(fieldsets).to_have_count(len(statements))
        for fieldset, item in zip(fieldsets.all(), statements, strict=True):
            expect(fieldset.locator("> legend")).to_have_text(item.text["en"])
            # All five answers sit inside the fieldset, each with its own label.
            radios = fieldset.get_by_role("radio")
            expect(radios).to_have_count(5)
            for label in SCALE_LABELS.values():
                expect(fieldset.get_by_label(label, exact=True)).to_have_count(1)
        for item in statements:
            statement(page, item.text["en"]).get_by_text("Neither agree nor disagree").click()
        press(page, next_button(step.number, len(steps)))


def test_clicking_an_answer_label_selects_its_radio_button(site, page: Page):
    submission = start(page, site)
    first = statements_of(submission, 1)[0]
    fieldset = statement(page, first.text["en"])

    for label in SCALE_LABELS.values():
        fieldset.locator("label").get_by_text(label, exact=True).click()
        expect(fieldset.get_by_label(label, exact=True)).to_be_checked()


def test_the_progress_bar_is_named_after_the_step_and_the_page_language_is_english(
    site, page: Page
):
    page.goto(site)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    start(page, site)

    progress = page.get_by_role("progressbar", name="Step 1 of 5")
    expect(progress).to_be_visible()
    # It counts the statements answered in the whole questionnaire: none yet.
    expect(progress).to_have_attribute("value", "0")
    expect(progress).to_have_attribute("max", "30")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_results_say_each_band_in_words_so_colour_is_never_the_only_cue(site, page: Page):
    asked = start(page, site).frozen
    answer_all(page, asked, every_band_pattern(asked))

    expected = {
        "Perseverance": (STRONG, "+100"),
        "Little ML": (SOME, "+50"),
        "Constant learning": (NO_LEAN, "0"),
        "Stakeholder management": (FITS, "\u2212100"),
        "Change and rework": (UNCLEAR, None),  # not a finding: no score is shown
    }
    # The chart is one image whose description says every band and score in
    # words, and a table for screen readers holds the same numbers.
    assert profile(page) == [
        (title, f"{band} · {signed}" if signed else band)
        for title, (band, signed) in expected.items()
    ]
    chart = page.locator(".summary-card svg")
    expect(chart).to_have_attribute("role", "img")
    description = chart.locator("desc").text_content()
    for title, (band, signed) in expected.items():
        assert f"{title}: {band}" + (f" ({signed})" if signed else "") in description
        # Beside each bar, the band in words and the score: the colour is never alone.
        expect(chart).to_contain_text(title)
        badge = reason_result(page, title).locator(".band-badge")
        expect(badge).to_have_text(f"{band} · {signed}" if signed else band)
