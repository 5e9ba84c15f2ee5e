"""An admin edits a reason's statements and publishes; only respondents who start afterwards see it.

Saving in the admin changes the working copy. Respondents answer a published
revision, so an edit reaches them only once the admin presses "Publish
changes" on the questionnaire and confirms; whoever started before keeps the
wording they started with, to the end and on their results.
"""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from assessments.models import Question
from tests.conftest import complete
from tests.conftest import start as start_with_client

from .audit import csp_violations, screenshot
from .respondent import (
    NEUTRAL,
    answer,
    confirm,
    expect_answers,
    expect_check_page,
    expect_step,
    legends,
    next_button,
    offered,
    pattern,
    points_away,
    points_here,
    press,
    quoted,
    reasons_of,
    start,
    statement,
)

pytestmark = pytest.mark.browser

EDITED = "When my team moves to a tool I have never used, I wait until someone makes me learn it."
ADDED = "I keep a list of things I want to learn next, and I work through it."
ADDED_ZH = "我有一张接下来想学的清单，并且会一项项学完。"


def log_in(page: Page, site: str) -> None:
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long admin password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaires and submissions")


def statement_row(page: Page, text: str) -> str:
    """Return the form prefix ("questions-3-") of the inline block whose statement reads `text`.

    An empty `text` finds the blank block for a new statement (not the hidden
    template block Django keeps for "Add another").
    """
    names = page.locator(
        ".inline-related:not(.empty-form) textarea[name$='-statement_en']"
    ).evaluate_all(
        "(inputs, text) => inputs.filter(input => input.value === text).map(input => input.name)",
        text,
    )
    assert len(names) == 1, f"{len(names)} rows read {text!r}"
    return names[0].removesuffix("statement_en")


def test_admin_edits_reach_only_respondents_who_start_after_publishing(
    site, questionnaire, admin_user, page: Page, second_browser, new_context
):
    first_revision = offered(questionnaire)
    learning = reasons_of(first_revision)["constant-learning"]
    edited, second, swap_a, swap_b, fifth, retired = learning.statements
    old_wording = [s.text["en"] for s in learning.statements]

    # Someone finished the questionnaire earlier, pointing hard at Constant learning.
    respondent = Client()
    earlier = start_with_client(respondent)
    complete(
        respondent,
        earlier,
        {
            s.position: points_here(s) if reason.key == "constant-learning" else NEUTRAL
            for reason in earlier.frozen.reasons
            for s in reason.statements
        },
    )
    reader = second_browser.new_page()
    reader.goto(f"{site}{earlier.get_absolute_url()}")
    before = reader.locator("main").inner_text()
    assert (edited.text["en"], "Answer: Strongly agree") in quoted(reader, "Constant learning")

    # Someone else is halfway: Constant learning answered, now on step 2.
    midway_page = new_context().new_page()
    midway = start(midway_page, site)
    midway_answers = pattern(
        midway.frozen,
        lambda reason, s: points_here(s) if reason == "constant-learning" else points_away(s),
    )
    answer(midway_page, midway_answers[0])
    press(midway_page, "Next")
    expect_step(midway_page, 2)

    # The admin logs in and edits the reason's statements in their blocks.
    log_in(page, site)
    page.get_by_role("link", name="Reasons", exact=True).click()
    page.get_by_role("link", name="Constant learning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change reason")

    page.locator(f"[name='{statement_row(page, edited.text['en'])}statement_en']").fill(EDITED)
    page.locator(f"[name='{statement_row(page, swap_a.text['en'])}order']").fill(str(swap_b.order))
    page.locator(f"[name='{statement_row(page, swap_b.text['en'])}order']").fill(str(swap_a.order))
    page.locator(f"[name='{statement_row(page, retired.text['en'])}active']").uncheck()
    new_row = statement_row(page, "")
    page.locator(f"[name='{new_row}statement_en']").fill(ADDED)
    page.locator(f"[name='{new_row}statement_zh_hans']").fill(ADDED_ZH)
    page.locator(f"[name='{new_row}order']").fill("9")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Saved is not published: someone starting now still gets the old wording.
    saved_only = new_context().new_page()
    start(saved_only, site)
    expect(legends(saved_only)).to_have_text(old_wording)

    # The admin publishes from the questionnaire's page, after reading what will change.
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name="Questionnaires", exact=True).click()
    page.get_by_role("link", name=questionnaire.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change questionnaire")
    page.get_by_role("link", name="Publish changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Publish changes to “{questionnaire.title}”"
    )
    expect(page.locator("#content-main")).to_contain_text(
        "Changes since revision 1, which respondents answer now:"
    )
    expect(page.locator(".publish-change-list li")).to_have_text(
        [
            f"Constant learning: Reworded (en): “{edited.text['en']}” → “{EDITED}” "
            "Check the other languages: only these changed.",
            f"Constant learning: New statement: “{ADDED}”",
            f"Constant learning: No longer asked: “{retired.text['en']}”",
            "Constant learning: The statements are asked in a new order.",
        ]
    )
    page.wait_for_load_state("networkidle")
    screenshot(page, "admin-publish", "desktop")
    assert csp_violations(page) == []
    press(page, "Publish")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change questionnaire")
    expect(page.locator(".messagelist")).to_have_text(
        "Published revision 2. New respondents now answer it."
    )

    # A new respondent sees exactly the edited step.
    newcomer = new_context().new_page()
    start(newcomer, site)
    expect(legends(newcomer)).to_have_text(
        [
            EDITED,
            second.text["en"],
            swap_b.text["en"],
            swap_a.text["en"],
            fifth.text["en"],
            ADDED,
        ]
    )
    expect(statement(newcomer, retired.text["en"])).to_have_count(0)
    press(newcomer, "Next")
    expect(newcomer.get_by_role("alert")).to_contain_text("6 statements still need an answer")

    # Whoever started before the publish keeps the old wording, to the end.
    saved_only.reload()
    expect(legends(saved_only)).to_have_text(old_wording)
    press(midway_page, "Back")
    expect_step(midway_page, 1)
    expect(legends(midway_page)).to_have_text(old_wording)
    expect_answers(midway_page, midway_answers[0])
    press(midway_page, "Next")
    for number, answers in enumerate(midway_answers[1:], start=2):
        expect_step(midway_page, number)
        answer(midway_page, answers)
        press(midway_page, next_button(number, len(midway_answers)))
    # The check page, too, quotes the wording the person started with.
    expect_check_page(midway_page)
    expect(midway_page.locator(".check-row dt").first).to_have_text(edited.text["en"])
    expect(midway_page.locator("main")).not_to_contain_text(EDITED)
    confirm(midway_page)
    assert (edited.text["en"], "Your answer: Strongly agree") in quoted(
        midway_page, "Constant learning"
    )
    expect(midway_page.locator("main")).not_to_contain_text(EDITED)
    expect(midway_page.locator("main")).not_to_contain_text(ADDED)
    midway.refresh_from_db()
    assert midway.revision.number == 1
    assert midway.answer_values() == [value for answers in midway_answers for _, value in answers]

    # The earlier results read exactly as before.
    reader.reload()
    assert reader.locator("main").inner_text() == before
    expect(reader.locator("main")).not_to_contain_text(EDITED)
    expect(reader.locator("main")).not_to_contain_text(ADDED)

    # The admin finds both revisions, and who answers which.
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name="Revisions", exact=True).click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(f"{questionnaire.title}, revision 2")
    expect(rows.nth(0).locator("td.field-published_by")).to_have_text("editor")
    expect(rows.nth(0).locator("td.field-submission_count")).to_have_text("1")
    expect(rows.nth(1).locator("td.field-submission_count")).to_have_text("3")
    rows.nth(0).get_by_role("link").click()
    asked = page.locator("table.revision-content tbody")
    expect(asked).to_contain_text(EDITED)
    expect(asked).to_contain_text(ADDED)
    expect(asked).not_to_contain_text(retired.text["en"])


def test_every_admin_page_keeps_to_the_content_security_policy(
    site, questionnaire, admin_user, page: Page
):
    client = Client()
    finished = start_with_client(client)
    complete(client, finished, 4)
    # An edit not yet published, so that the publish page lists it and offers to publish.
    Question.objects.filter(key="postpone-learning-new-tool").update(
        statement_en="New tools at work make me groan."
    )
    revision = questionnaire.latest_revision()
    log_in(page, site)
    reason = questionnaire.reasons.get(key="perseverance")
    visited = {}
    for path in [
        "/admin/",
        "/admin/assessments/questionnaire/",
        f"/admin/assessments/questionnaire/{questionnaire.pk}/change/",
        f"/admin/assessments/questionnaire/{questionnaire.pk}/publish/",
        "/admin/assessments/revision/",
        f"/admin/assessments/revision/{revision.pk}/change/",
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
