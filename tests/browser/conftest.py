"""Fixtures for driving the site in a real Chromium with Playwright.

Chromium comes from the system (Debian's `chromium` package), never from
Playwright's own download, so the launch arguments point at it explicitly.
"""

from __future__ import annotations

import itertools
import os
import shutil

# Playwright's sync API runs an event loop in the test thread, which makes
# Django refuse ORM calls there ("You cannot call this from an async context").
# The tests are plain synchronous code, so the check is switched off; it must
# happen before any Django code runs in the test thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from playwright.sync_api import BrowserContext, Page  # noqa: E402

from assessments.models import Questionnaire, Submission  # noqa: E402

from .audit import RECORD_CSP_VIOLATIONS  # noqa: E402

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Without the networking flags Chromium keeps calling home (updates, sync,
# field trials), which on a machine without network only slows it down.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DESKTOP = {"width": 1280, "height": 900}
# The common laptop screen the check page and results are reviewed at.
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# How each size is opened: a phone also has touch and a mobile viewport.
SIZES = {
    "desktop": {"viewport": LAPTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}
# Seconds the site's clock moves on each time it is read while someone answers.
READING_TIME = 30.0


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Return the Chromium to drive; skip (or, in CI, fail) when there is none."""
    wanted = os.environ.get("MLFIT_CHROMIUM", DEFAULT_CHROMIUM)
    found = shutil.which(wanted)
    if found:
        return found
    message = (
        f"Chromium was not found at {wanted!r}, so the browser tests cannot run. "
        "Install it with `sudo apt-get install chromium` (Debian/Ubuntu), or set "
        "MLFIT_CHROMIUM to the path of a Chromium binary."
    )
    # CI sets MLFIT_REQUIRE_BROWSER=1 so that it can never pass without them.
    if os.environ.get("MLFIT_REQUIRE_BROWSER") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_executable: str) -> dict:
    """Launch the system Chromium; pytest-playwright has no option for its path."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture
def new_context(new_context):
    """Open browsers at desktop size (1280x900) unless asked otherwise, recording CSP violations."""

    def open_browser(**options) -> BrowserContext:
        context = new_context(**{"viewport": DESKTOP, **options})
        context.add_init_script(script=RECORD_CSP_VIOLATIONS)
        return context

    return open_browser


@pytest.fixture
def real_clock() -> None:
    """Ask for this to answer at Playwright's own speed (see `a_readers_pace`)."""


@pytest.fixture(autouse=True)
def a_readers_pace(request, monkeypatch) -> None:
    """Let each step take a person's reading time rather than Playwright's milliseconds.

    The site times each step from first shown to first fully answered and
    rightly calls under a second a statement "speeding"; Playwright answers
    a step in a fraction of a second, so every result would carry that
    notice. The submission's clock (`seconds_since_start`, read only to time
    steps) moves on READING_TIME seconds each time it is read instead, which
    the live server sees too: it runs in this process. Tests that ask for
    `real_clock` keep the real one.
    """
    if "real_clock" in request.fixturenames:
        return
    ticks = itertools.count(1)
    monkeypatch.setattr(
        Submission, "seconds_since_start", lambda submission: next(ticks) * READING_TIME
    )


@pytest.fixture
def site(live_server, transactional_db, questionnaire: Questionnaire) -> str:
    """Return the address of a running site with the real questionnaire loaded.

    The live server answers from another thread, so the test database must be
    transactional: rows the test creates are committed where the server sees them.
    """
    return live_server.url


@pytest.fixture
def second_browser(new_context) -> BrowserContext:
    """A second browser with cookies of its own, as on someone else's computer."""
    return new_context()


@pytest.fixture
def phone(new_context) -> Page:
    """A page in a phone-sized browser (390x844 CSS px, touch, mobile viewport)."""
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


@pytest.fixture(params=sorted(SIZES))
def size(request) -> str:
    """Run the test once at laptop size (1366x900) and once at phone size (390x844)."""
    return request.param


@pytest.fixture
def sized_page(new_context, size: str) -> Page:
    """A page in a browser of the size the test runs at (see `size`)."""
    return new_context(**SIZES[size]).new_page()


@pytest.fixture
def no_script_page(new_context) -> Page:
    """A page in a browser with JavaScript switched off."""
    return new_context(java_script_enabled=False).new_page()


@pytest.fixture
def admin_user(transactional_db) -> User:
    return User.objects.create_superuser("editor", "editor@example.com", "a long admin password")
