"""The admin's statistics page and the results page's norms, as a browser shows them.

Both read generated submissions (manage.py generate_submissions): made-up
people, enough of them that every figure and the norms appear.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Page, expect

from assessments.models import Submission
from tests.conftest import complete, leaning
from tests.conftest import start as start_with_client

from .audit import ARTIFACTS, assert_accessible, csp_violations, horizontal_overflow, screenshot
from .test_admin_edits import log_in

pytestmark = pytest.mark.browser

REVIEW = ARTIFACTS / "issue11"


@pytest.fixture
def answered(site) -> None:
    """150 generated people, a fifth of whom left before the end."""
    call_command("generate_submissions", count=150, seed=4, unfinished=0.2, stdout=io.StringIO())


def test_the_statistics_page_reads_well_at_desktop_and_phone_size(
    site, answered, admin_user, sized_page: Page, size: str
):
    page = sized_page
    log_in(page, site)

    page.get_by_role("link", name="Statistics").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics")
    completed = Submission.objects.filter(completed_at__isnull=False).count()
    funnel = page.get_by_role("table").filter(has_text="Completion rate")
    expect(funnel.get_by_role("row", name="Completed")).to_contain_text(str(completed))
    expect(page.get_by_role("heading", name="Who finished")).to_be_visible()
    # A histogram, a reliability table and a statement table per reason.
    expect(page.locator("svg.histogram")).to_have_count(5)
    expect(page.get_by_role("row", name="Cronbach's alpha")).to_have_count(5)
    expect(page.get_by_role("row", name="McDonald's omega")).to_have_count(5)
    screenshot(page, "admin-statistics", size, REVIEW)
    assert horizontal_overflow(page) == 0
    assert csp_violations(page) == []
    assert_accessible(page, f"admin statistics ({size})")


def test_leaving_out_flagged_submissions_changes_the_figures_on_the_page(
    site, answered, admin_user, page: Page
):
    flagged = Submission.objects.exclude(quality_flags="").count()
    completed = Submission.objects.filter(completed_at__isnull=False).count()
    assert flagged > 0
    log_in(page, site)
    page.goto(f"{site}/admin/statistics/")
    funnel = page.get_by_role("table").filter(has_text="Completion rate")
    expect(funnel.get_by_role("row", name="Completed")).to_contain_text(str(completed))

    page.get_by_label("Leave out flagged submissions").check()
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_label("Leave out flagged submissions")).to_be_checked()
    expect(funnel.get_by_role("row", name="Completed")).to_contain_text(str(completed - flagged))


def test_the_results_page_says_where_the_person_stands_among_the_people_who_took_it(
    site, answered, phone: Page
):
    respondent = Client()
    submission = start_with_client(respondent)
    complete(respondent, submission, leaning(submission, {"constant-learning": 2}))

    phone.goto(f"{site}/results/{submission.pk}/")

    section = phone.get_by_role("region", name="Compared with other people")
    expect(section).to_be_visible()
    expect(section).to_contain_text("people who took this version")
    assert horizontal_overflow(phone) == 0
    assert_accessible(phone, "results with norms (phone)")
    screenshot(phone, "results-norms", "phone", REVIEW)
