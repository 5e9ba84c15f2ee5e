"""The admin index and sidebar: the questionnaire first, then submissions, then accounts."""

from __future__ import annotations

from django.urls import reverse

QUESTIONNAIRE_FIRST = [
    "Questionnaire",
    "ReasonCategory",
    "Question",
    "Role",
    "Revision",
    "Submission",
]


def test_the_admin_index_lists_the_questionnaire_app_first_then_accounts_then_lockouts(
    admin_client,
):
    response = admin_client.get(reverse("admin:index"))

    assert [app["app_label"] for app in response.context["app_list"]] == [
        "assessments",
        "auth",
        "axes",
    ]


def test_the_admin_index_lists_the_questionnaire_content_then_revisions_then_submissions(
    admin_client,
):
    response = admin_client.get(reverse("admin:index"))

    [assessments] = [
        app for app in response.context["app_list"] if app["app_label"] == "assessments"
    ]
    assert [model["object_name"] for model in assessments["models"]] == QUESTIONNAIRE_FIRST
    html = response.content.decode()
    positions = [
        html.index(f'href="{reverse(f"admin:assessments_{name.lower()}_changelist")}"')
        for name in QUESTIONNAIRE_FIRST
    ]
    assert positions == sorted(positions)


def test_the_statistics_link_comes_right_after_the_questionnaire_app(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    submissions = html.index(f'href="{reverse("admin:assessments_submission_changelist")}"')
    statistics = html.index('id="statistics-module"')
    users = html.index(f'href="{reverse("admin:auth_user_changelist")}"')
    assert submissions < statistics < users


def test_the_sidebar_lists_apps_and_models_in_the_same_order(admin_client, questionnaire):
    response = admin_client.get(reverse("admin:assessments_submission_changelist"))

    sidebar = response.context["available_apps"]
    assert [app["app_label"] for app in sidebar] == ["assessments", "auth", "axes"]
    assert [model["object_name"] for model in sidebar[0]["models"]] == QUESTIONNAIRE_FIRST


def test_an_app_page_lists_its_models_in_the_same_order(admin_client):
    response = admin_client.get(reverse("admin:app_list", args=["assessments"]))

    [assessments] = response.context["app_list"]
    assert [model["object_name"] for model in assessments["models"]] == QUESTIONNAIRE_FIRST
