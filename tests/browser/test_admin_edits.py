"""An admin edits a reason's statements; new respondents see it, old results do not change."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from assessments.models import Question
from tests.conftest import complete
from tests.conftest import start as start_with_client

from .audit import csp_violations
from .respondent import points_here, press, quoted, reason_steps, start, statement

pytestmark = pytest.mark.browser

EDITED = "When my team moves to a tool I have never used, I wait until someone makes me learn it."
ADDED = "I keep a list of things I want to learn next, and I work through it."


def statement_row(page: Page, text: str) -> str:
    """Return the form prefix ("questions-3-") of the inline row whose statement reads `text`.

    An empty `text` finds the blank row for a new statement (not the hidden
    template row Django keeps for "Add another").
    """
    names = page.locator("tr.form-row:not(.empty-form) input[name$='-statement_en']").evaluate_all(
        "(inputs, text) => inputs.filter(input => input.value === text).map(input => input.name)",
        text,
    )
    assert len(names) == 1, f"{len(names)} rows read {text!r}"
    return names[0].removesuffix("statement_en")


def test_admin_edits_reach_new_respondents_and_leave_older_results_alone(
    site, questionnaire, admin_user, page: Page, second_browser, new_context
):
    learning = reason_steps(questionnaire)["constant-learning"]
    edited, second, swap_a, swap_b, fifth, retired = learning

    # Someone finished the questionnaire earlier, pointing hard at Constant learning.
    respondent = Client()
    earlier = start_with_client(respondent)
    complete(
        respondent,
        earlier,
        {
            q.pk: points_here(q) if q.category.key == "constant-learning" else 3
            for q in Question.objects.filter(category__questionnaire=questionnaire)
        },
    )
    old_results = f"{site}{earlier.get_absolute_url()}"
    reader = second_browser.new_page()
    reader.goto(old_results)
    before = reader.locator("main").inner_text()
    assert (edited.statement, "Answer: Strongly agree") in quoted(reader, "Constant learning")

    # The admin logs in and edits the reason's statements in its inline table.
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long admin password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Reasons").click()
    page.get_by_role("link", name="Constant learning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change reason")

    page.locator(f"[name='{statement_row(page, edited.statement)}statement_en']").fill(EDITED)
    page.locator(f"[name='{statement_row(page, swap_a.statement)}order']").fill(str(swap_b.order))
    page.locator(f"[name='{statement_row(page, swap_b.statement)}order']").fill(str(swap_a.order))
    page.locator(f"[name='{statement_row(page, retired.statement)}active']").uncheck()
    new_row = statement_row(page, "")
    page.locator(f"[name='{new_row}statement_en']").fill(ADDED)
    page.locator(f"[name='{new_row}order']").fill("9")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # A new respondent sees exactly the edited step.
    newcomer = new_context().new_page()
    start(newcomer, site)
    legends = newcomer.locator("form fieldset > legend")
    expect(legends).to_have_text(
        [EDITED, second.statement, swap_b.statement, swap_a.statement, fifth.statement, ADDED]
    )
    expect(statement(newcomer, retired.statement)).to_have_count(0)
    press(newcomer, "Next")
    expect(newcomer.get_by_role("alert")).to_contain_text("6 statements still need an answer")

    # The earlier results read exactly as before.
    reader.reload()
    assert reader.locator("main").inner_text() == before
    expect(reader.locator("main")).not_to_contain_text(EDITED)
    expect(reader.locator("main")).not_to_contain_text(ADDED)


def test_every_admin_page_keeps_to_the_content_security_policy(
    site, questionnaire, admin_user, page: Page
):
    finished = start_with_client(Client())
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long admin password")
    page.get_by_role("button", name="Log in").click()
    reason = questionnaire.reasons.get(key="perseverance")
    visited = {}
    for path in [
        "/admin/",
        "/admin/assessments/questionnaire/",
        f"/admin/assessments/questionnaire/{questionnaire.pk}/change/",
        "/admin/assessments/reasoncategory/",
        f"/admin/assessments/reasoncategory/{reason.pk}/change/",
        "/admin/assessments/question/",
        "/admin/assessments/question/add/",
        "/admin/assessments/submission/",
        f"/admin/assessments/submission/{finished.pk}/change/",
    ]:
        page.goto(f"{site}{path}")
        expect(page.locator("#content")).to_be_visible()
        # Let deferred admin scripts run before reading what the policy blocked.
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => Array.isArray(window.__cspViolations)"), "no recorder"
        visited[path] = csp_violations(page)
    assert visited == {path: [] for path in visited}
