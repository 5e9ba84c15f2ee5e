"""Every page at phone size: nothing scrolls sideways, every target is big enough."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .audit import (
    MIN_TARGET,
    assert_accessible,
    csp_violations,
    horizontal_overflow,
    screenshot,
    small_targets,
)
from .conftest import PHONE
from .respondent import visit_every_page

pytestmark = pytest.mark.browser


def test_every_page_fits_a_phone_with_targets_of_at_least_24_css_pixels(
    site, phone: Page, new_context
):
    stranger = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    problems = []

    def look(current: Page, name: str) -> None:
        assert current.viewport_size == PHONE
        screenshot(current, name, "phone")
        overflow = horizontal_overflow(current)
        if overflow > 0:
            problems.append(f"{name}: the page is {overflow}px wider than the screen")
        for target in small_targets(current)["small"]:
            problems.append(f"{name}: target under {MIN_TARGET}x{MIN_TARGET}px: {target}")
        assert_accessible(current, f"{name} (phone)")
        problems.extend(f"{name}: {violation}" for violation in csp_violations(current))

    visit_every_page(phone, stranger, site, look)
    assert not problems, "\n".join(problems)
