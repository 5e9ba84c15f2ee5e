"""An editor reorders a reason's statements by dragging, or by typing numbers without JavaScript.

The statements' texts are wide multi-line boxes in both languages; the
screenshots of the reason page at desktop and phone size go to
test-artifacts/issue11/ for review.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Question, ReasonCategory

from .audit import ARTIFACTS, assert_accessible, csp_violations, horizontal_overflow, screenshot
from .conftest import DESKTOP, PHONE
from .test_admin_edits import log_in

pytestmark = pytest.mark.browser

ISSUE11 = ARTIFACTS / "issue11"


def open_reason(page: Page, site: str, key: str = "constant-learning") -> ReasonCategory:
    reason = ReasonCategory.objects.get(key=key)
    page.goto(f"{site}/admin/assessments/reasoncategory/{reason.pk}/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change reason")
    return reason


def statement_keys(reason: ReasonCategory) -> list[str]:
    return list(reason.questions.order_by("order", "pk").values_list("key", flat=True))


def block_of(page: Page, question: Question):
    """Return the statement's block in the inline (found by its English text)."""
    return page.locator(".inline-related.has_original").filter(
        has=page.locator(f"textarea[name$='-statement_en']:text-is({question.statement_en!r})")
    )


def drag(page: Page, handle, target) -> None:
    """Drag `handle` by the mouse onto the top edge of `target`, in small steps as a hand would.

    The mouse works in the viewport, so `target`, the upper one, is scrolled to its top first.
    """
    target.evaluate("element => element.scrollIntoView({block: 'start'})")
    start, end = handle.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 20, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 20, end["y"] + 2, steps=20)
    page.mouse.up()


def test_an_editor_drags_a_statement_above_another_and_the_new_order_is_saved(
    site, admin_user, new_context
):
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, site)
    reason = open_reason(page, site)
    first, second, third, *rest = reason.questions.order_by("order", "pk")

    drag(page, block_of(page, second).locator("h3"), block_of(page, first).locator("h3"))
    # The script renumbers the rows as they now stand, in the inputs an editor can see.
    expect(block_of(page, second).locator("input[name$='-order']")).to_have_value("1")
    expect(block_of(page, first).locator("input[name$='-order']")).to_have_value("2")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    assert statement_keys(reason) == [second.key, first.key, third.key, *(q.key for q in rest)]
    assert csp_violations(page) == []


def test_without_javascript_an_editor_reorders_statements_by_typing_numbers(
    site, admin_user, new_context
):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, site)
    reason = open_reason(page, site)
    first, second, *_ = reason.questions.order_by("order", "pk")

    order_of_first = block_of(page, first).locator("input[name$='-order']")
    expect(order_of_first).to_be_visible()
    order_of_first.fill("99")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    assert statement_keys(reason)[0] == second.key
    assert statement_keys(reason)[-1] == first.key


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_reason_page_gives_each_language_of_a_statement_a_wide_box(
    site, admin_user, new_context, size
):
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if size == "phone" else {}
    page = new_context(**options).new_page()
    log_in(page, site)
    open_reason(page, site)
    page.wait_for_load_state("networkidle")

    main_width = page.locator("#content-main").bounding_box()["width"]
    for language in ("en", "zh_hans"):
        box = page.locator(f"textarea[name='questions-0-statement_{language}']")
        expect(box).to_be_visible()
        # At least half the content's width: not the 270 px one-line input of before.
        assert box.bounding_box()["width"] > main_width / 2
        assert box.bounding_box()["height"] > 40
    screenshot(page, "reason-change", size, folder=ISSUE11)
    assert horizontal_overflow(page) == 0
    assert csp_violations(page) == []


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_questionnaire_page_keeps_its_reasons_and_roles_readable(
    site, admin_user, questionnaire, new_context, size
):
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if size == "phone" else {}
    page = new_context(**options).new_page()
    log_in(page, site)
    page.goto(f"{site}/admin/assessments/questionnaire/{questionnaire.pk}/change/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("textarea[name='roles-0-summary_zh_hans']")).to_be_visible()
    screenshot(page, "questionnaire-change", size, folder=ISSUE11)
    assert horizontal_overflow(page) == 0
    assert csp_violations(page) == []


def test_the_publish_page_lists_a_missing_chinese_text_and_offers_no_publish_button(
    site, admin_user, questionnaire, new_context
):
    Question.objects.filter(key="skip-the-maths").update(statement_zh_hans="")
    page = new_context().new_page()
    log_in(page, site)
    page.goto(f"{site}/admin/assessments/questionnaire/{questionnaire.pk}/publish/")

    expect(page.get_by_role("alert")).to_contain_text(
        "It cannot be published yet: 1 text is missing"
    )
    expect(page.locator(".publish-missing-list li")).to_have_count(1)
    expect(page.locator(".publish-missing-list li")).to_contain_text(
        "“statement” has no Simplified Chinese text."
    )
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    screenshot(page, "publish-missing", "desktop", folder=ISSUE11)
    assert_accessible(page, "publish-missing")
    assert csp_violations(page) == []
