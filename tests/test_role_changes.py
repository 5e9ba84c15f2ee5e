"""What the publish page says about roles and experiments (goes with the changes.py patch)."""

from __future__ import annotations

import copy

from assessments.changes import describe_changes
from assessments.datafile import revision_document
from assessments.models import RoleDemand

from .test_admin import admin_url, listed_changes


def changes_after(questionnaire, edit) -> list[str]:
    old = revision_document(questionnaire)
    new = copy.deepcopy(old)
    edit(new["questionnaire"])
    return [f"{change.where}: {change.description}" for change in describe_changes(old, new)]


def test_what_a_role_asks_of_a_reason_is_named_with_the_old_and_new_level(questionnaire):
    def edit(data):
        data["roles"][3]["demands"]["little-ml"] = 0

    assert changes_after(questionnaire, edit) == [
        "Research scientist: How much it asks of “Little ML”: some → little."
    ]


def test_added_removed_and_retitled_roles_are_named(questionnaire):
    def edit(data):
        added = copy.deepcopy(data["roles"][0])
        added.update(key="tutor", title={"en": "Tutor", "zh-hans": "导师"})
        data["roles"].append(added)
        data["roles"][1]["title"]["zh-hans"] = "数据开发工程师"
        del data["roles"][5]

    assert changes_after(questionnaire, edit) == [
        "Data engineer: The title changed (zh-hans).",
        "Tutor: New role “Tutor”.",
        "Backend engineer: Role “Backend engineer” is no longer suggested.",
    ]


def test_a_new_thing_to_try_is_named(questionnaire):
    def edit(data):
        data["reasons"][0]["experiment"]["en"] = "Read one paper."

    assert changes_after(questionnaire, edit) == [
        "Constant learning: The one thing to try changed (en)."
    ]


def test_a_revision_from_before_roles_compares_with_one_that_has_them(questionnaire):
    old = revision_document(questionnaire)
    del old["questionnaire"]["roles"]
    for reason in old["questionnaire"]["reasons"]:
        del reason["experiment"]

    changes = describe_changes(old, revision_document(questionnaire))

    assert [change.kind for change in changes].count("added") == 6
    assert [change.kind for change in changes].count("texts") == 5


def test_the_publish_page_lists_a_changed_level(admin_client, questionnaire):
    RoleDemand.objects.filter(role__key="data-engineer", reason__key="perseverance").update(level=1)

    response = admin_client.get(admin_url("questionnaire", "publish", questionnaire.pk))

    assert listed_changes(response) == [
        "Data engineer: How much it asks of “Perseverance”: a lot → some."
    ]
