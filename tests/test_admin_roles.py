"""Who may do what in the admin: the "Content editors" group made by migration 0011."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from assessments.models import Question, ReasonCategory, Role, Submission

from .test_admin import admin_url, form_data, page_text, publish_url, revision_numbers

content_editors = importlib.import_module("assessments.migrations.0011_content_editors")

EDITOR_PERMISSIONS = sorted(
    [
        f"{action}_{model}"
        for model in ("questionnaire", "reasoncategory", "question", "role", "roledemand")
        for action in ("add", "change", "delete", "view")
    ]
    + ["view_revision", "view_submission"]
)
BEFORE = [("assessments", "0010_reason_score_counts")]


def group_permissions() -> list[str]:
    group = Group.objects.get(name="Content editors")
    return sorted(
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    )


@pytest.fixture
def editor(django_user_model) -> Client:
    """A browser logged in as staff in the "Content editors" group, and nothing more."""
    user = django_user_model.objects.create_user("editor", password="not-used", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editors"))
    browser = Client()
    browser.force_login(user)
    return browser


# -- The group ------------------------------------------------------------------------


def test_migrating_makes_a_content_editors_group_with_exactly_the_intended_permissions(db):
    assert group_permissions() == [f"assessments.{codename}" for codename in EDITOR_PERMISSIONS]


def test_running_the_migration_again_puts_back_exactly_the_intended_permissions(db):
    group = Group.objects.get(name="Content editors")
    group.permissions.add(Permission.objects.get(codename="change_user"))

    content_editors.create_content_editors(apps, SimpleNamespace(connection=connection))

    assert Group.objects.filter(name="Content editors").count() == 1
    assert group_permissions() == [f"assessments.{codename}" for codename in EDITOR_PERMISSIONS]


def test_the_migration_makes_the_permissions_it_needs_when_none_exist_yet(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        assert not Group.objects.filter(name="Content editors").exists()
        # As on a fresh database: post_migrate has not made this app's permissions yet.
        Permission.objects.filter(content_type__app_label="assessments").delete()
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    except BaseException:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
        raise

    assert group_permissions() == [f"assessments.{codename}" for codename in EDITOR_PERMISSIONS]


# -- What an editor may do --------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "instance"),
    [
        ("questionnaire", lambda questionnaire: questionnaire),
        ("reasoncategory", lambda questionnaire: questionnaire.reasons.first()),
        ("question", lambda questionnaire: Question.objects.first()),
        ("role", lambda questionnaire: questionnaire.roles.first()),
    ],
)
def test_a_content_editor_may_open_each_part_of_the_questionnaire_to_change_it(
    editor, questionnaire, model, instance
):
    response = editor.get(admin_url(model, "change", instance(questionnaire).pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"]
    assert 'name="_save"' in page_text(response)


def test_a_content_editor_saves_a_reason_with_an_edited_statement(editor, questionnaire):
    reason = ReasonCategory.objects.get(key="perseverance")
    url = admin_url("reasoncategory", "change", reason.pk)
    data = form_data(editor.get(url), "reasoncategory_form")
    data["questions-0-statement_en"] = ["I keep at a stubborn bug until it is gone."]

    response = editor.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302
    assert reason.questions.order_by("order")[0].statement_en == (
        "I keep at a stubborn bug until it is gone."
    )


def test_a_content_editor_may_set_what_a_role_asks(editor, questionnaire):
    role = Role.objects.filter(questionnaire=questionnaire).first()

    response = editor.get(admin_url("role", "change", role.pk))

    [demands] = response.context["inline_admin_formsets"]
    assert demands.has_change_permission and demands.has_add_permission


def test_a_content_editor_can_publish(editor, questionnaire):
    reason = ReasonCategory.objects.get(key="perseverance")
    reason.questions.filter(order=1).update(statement_en="Reworded.")

    shown = editor.get(publish_url(questionnaire))
    posted = editor.post(publish_url(questionnaire))

    assert shown.status_code == 200
    assert posted.status_code == 302
    assert revision_numbers(questionnaire) == [1, 2]


def test_a_content_editor_can_read_revisions_and_the_statistics_page(
    editor, questionnaire, completed_submission
):
    revision = questionnaire.latest_revision()

    assert editor.get(admin_url("revision", "change", revision.pk)).status_code == 200
    assert editor.get(reverse("admin-statistics")).status_code == 200


def test_a_content_editor_can_read_a_submission_but_not_change_or_delete_it(
    editor, completed_submission
):
    url = admin_url("submission", "change", completed_submission.pk)

    shown = editor.get(url)
    changed = editor.post(url, {"language": "zh_Hans"})
    deleted = editor.post(
        admin_url("submission", "delete", completed_submission.pk), {"post": "yes"}
    )

    assert shown.status_code == 200
    assert 'name="_save"' not in page_text(shown)
    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert Submission.objects.get(pk=completed_submission.pk).language == "en"


def test_a_content_editor_is_not_offered_deleting_submissions_in_the_list(
    editor, completed_submission
):
    response = editor.get(admin_url("submission"))

    assert response.status_code == 200
    assert "delete_selected" not in page_text(response)
    assert 'value="export_csv"' in page_text(response)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
        "admin:axes_accessattempt_changelist",
        "admin:axes_accesslog_changelist",
        "admin:axes_accessfailurelog_changelist",
    ],
)
def test_a_content_editor_cannot_open_users_groups_or_lockouts(editor, url_name):
    assert editor.get(reverse(url_name)).status_code == 403


def test_the_admin_index_shows_a_content_editor_neither_users_groups_nor_lockouts(editor, db):
    response = editor.get(reverse("admin:index"))

    apps_shown = [app["app_label"] for app in response.context["app_list"]]
    assert apps_shown == ["assessments"]
    text = page_text(response)
    assert reverse("admin:auth_user_changelist") not in text
    assert reverse("admin:axes_accessattempt_changelist") not in text
    assert reverse("admin-statistics") in text
