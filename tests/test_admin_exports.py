"""Exporting from the admin: the export page and its filters, the list's actions, bad ids."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Question, Revision, Submission

from .test_admin import admin_url, csv_rows, messages_shown, page_text

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}

# -- Helpers -------------------------------------------------------------------------------


def at(month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


def stored(
    revision: Revision,
    *,
    completed: datetime | None = None,
    started: datetime | None = None,
    language: str = "en",
    flags: str = "",
) -> Submission:
    """Store a submission directly: completed (every answer "Agree") or with one step answered."""
    return Submission.objects.create(
        revision=revision,
        owner_key=uuid.uuid4().hex * 2,
        started_at=started or completed or timezone.now(),
        completed_at=completed,
        language=language,
        quality_flags=flags,
        answers="4" * 30 if completed else "4" * 6 + "0" * 24,
    )


def export_page(client: Client, **query):
    return client.get(admin_url("submission", "export_options"), query)


def exported_ids(response) -> list[str]:
    assert response["Content-Type"] == "text/csv; charset=utf-8", response.content[:500]
    return [row[0] for row in csv_rows(response)[1:]]


def post_action(client: Client, action: str, *ids: str, url: str | None = None, **extra):
    return client.post(
        url or admin_url("submission"),
        {"action": action, "index": "0", "_selected_action": list(ids), **extra},
    )


def export_links(response) -> dict[str, str]:
    """Return {link text: address} of the list's export links."""
    found = re.findall(r'<li><a href="([^"]*/export/[^"]*)">([^<]*)</a></li>', response.text)
    return {text: href.replace("&amp;", "&") for href, text in found}


@pytest.fixture
def revision(questionnaire) -> Revision:
    return questionnaire.latest_revision()


@pytest.fixture
def staff_without_submissions(django_user_model) -> Client:
    """A browser logged in as staff who may view questionnaires, not submissions."""
    user = django_user_model.objects.create_user("viewer", password="not-used", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="assessments", codename="view_questionnaire")
    )
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def staff_viewing_submissions(django_user_model) -> Client:
    """A browser logged in as staff who may view submissions and nothing else."""
    user = django_user_model.objects.create_user("reader", password="not-used", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="assessments", codename="view_submission")
    )
    browser = Client()
    browser.force_login(user)
    return browser


# -- The export page: what it exports -----------------------------------------------------


def test_the_export_page_exports_only_completed_submissions_by_default(admin_client, revision):
    done = stored(revision, completed=at(3, 2))
    stored(revision, started=at(3, 3))

    response = export_page(admin_client, format="csv")

    assert response.streaming
    assert exported_ids(response) == [str(done.pk)]


def test_the_export_page_includes_unfinished_submissions_when_asked(admin_client, revision):
    done = stored(revision, completed=at(3, 2))
    unfinished = stored(revision, started=at(3, 3))

    response = export_page(admin_client, format="csv", include_unfinished="on")

    assert exported_ids(response) == [str(done.pk), str(unfinished.pk)]


def test_the_export_page_keeps_the_days_from_first_to_last_both_included(admin_client, revision):
    stored(revision, completed=at(3, 1, 23, 59, 59))
    first = stored(revision, completed=at(3, 2, 0, 0, 0))
    last = stored(revision, completed=at(3, 5, 23, 59, 59))
    stored(revision, completed=at(3, 6, 0, 0, 0))

    response = export_page(
        admin_client, format="csv", completed_from="2026-03-02", completed_to="2026-03-05"
    )

    assert exported_ids(response) == [str(first.pk), str(last.pk)]


def test_unfinished_submissions_are_kept_by_the_day_they_were_started(admin_client, revision):
    stored(revision, started=at(3, 1))
    started_within = stored(revision, started=at(3, 3))
    completed_within = stored(revision, started=at(2, 20), completed=at(3, 3))

    response = export_page(
        admin_client,
        format="csv",
        completed_from="2026-03-02",
        completed_to="2026-03-05",
        include_unfinished="on",
    )

    assert exported_ids(response) == [str(completed_within.pk), str(started_within.pk)]


def test_the_export_page_keeps_one_language(admin_client, revision):
    stored(revision, completed=at(3, 2), language="en")
    chinese = stored(revision, completed=at(3, 3), language="zh-hans")

    response = export_page(admin_client, format="csv", language="zh-hans")

    assert exported_ids(response) == [str(chinese.pk)]


def test_the_export_page_keeps_one_revision(admin_client, questionnaire, revision):
    old = stored(revision, completed=at(3, 2))
    Question.objects.filter(key="skip-the-maths").update(weight=3)
    newer = questionnaire.publish()
    new = stored(newer, completed=at(3, 3))

    old_only = export_page(admin_client, format="csv", revision=revision.pk)
    new_only = export_page(admin_client, format="csv", revision=newer.pk)

    assert exported_ids(old_only) == [str(old.pk)]
    assert exported_ids(new_only) == [str(new.pk)]


def test_the_export_page_leaves_out_flagged_submissions_when_asked(admin_client, revision):
    clear = stored(revision, completed=at(3, 2))
    stored(revision, completed=at(3, 3), flags="straight-line")
    stored(revision, completed=at(3, 4), flags="speeding,mostly-neutral")

    response = export_page(admin_client, format="csv", leave_out_flagged="on")

    assert exported_ids(response) == [str(clear.pk)]


def test_the_excel_friendly_csv_from_the_export_page_starts_with_a_byte_order_mark(
    admin_client, revision
):
    stored(revision, completed=at(3, 2))

    plain = b"".join(export_page(admin_client, format="csv").streaming_content)
    excel = b"".join(export_page(admin_client, format="excel-csv").streaming_content)

    assert excel.startswith(b"\xef\xbb\xbfsubmission,questionnaire,")
    assert plain.startswith(b"submission,questionnaire,")
    assert excel[3:] == plain


def test_the_export_page_sends_a_workbook_of_the_same_submissions(admin_client, revision):
    done = stored(revision, completed=at(3, 2))
    stored(revision, started=at(3, 3))

    response = export_page(admin_client, format="xlsx")

    assert response.streaming
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["Submissions"].values)
    assert [row[0] for row in rows[1:]] == [str(done.pk)]


TOO_MANY_FOR_A_WORKBOOK = (
    "A workbook holds at most 2 submissions: it is sent only once it is written in full, and "
    "a larger one takes longer to write than the server waits. Choose CSV, which starts "
    "downloading at once however many there are, or narrow the selection."
)


def test_a_workbook_of_more_submissions_than_the_limit_is_refused_with_a_way_out(
    admin_client, revision, settings
):
    settings.MLFIT_XLSX_MAX_ROWS = 2
    for day in (2, 3, 4):
        stored(revision, completed=at(3, day))

    refused = export_page(admin_client, format="xlsx")
    narrowed = export_page(admin_client, format="xlsx", completed_from="2026-03-03")
    as_csv = export_page(admin_client, format="csv")

    assert refused.status_code == 200
    assert not refused.streaming
    assert TOO_MANY_FOR_A_WORKBOOK in page_text(refused)
    assert narrowed["Content-Disposition"].endswith('.xlsx"')
    assert len(exported_ids(as_csv)) == 3


def test_the_xlsx_action_refuses_more_submissions_than_the_limit_with_a_message(
    admin_client, revision, settings
):
    settings.MLFIT_XLSX_MAX_ROWS = 2
    chosen = [str(stored(revision, completed=at(3, day)).pk) for day in (2, 3, 4)]

    refused = post_action(admin_client, "export_xlsx", *chosen)
    allowed = post_action(admin_client, "export_xlsx", *chosen[:2])

    assert refused.status_code == 302
    assert messages_shown(admin_client.get(refused.url)) == [TOO_MANY_FOR_A_WORKBOOK]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(allowed.streaming_content)))
    assert len(list(workbook["Submissions"].values)) == 3  # the header and two rows


def test_reversed_days_are_refused_with_a_message_that_says_how_to_fix_them(admin_client, revision):
    stored(revision, completed=at(3, 2))

    response = export_page(
        admin_client, format="csv", completed_from="2026-03-05", completed_to="2026-03-02"
    )

    assert response.status_code == 200
    assert not response.streaming
    assert "The first day is after the last day; swap them or change one." in page_text(response)
    assert "Please correct the error below." in page_text(response)


def test_an_unknown_format_is_refused_on_the_page(admin_client, revision):
    response = export_page(admin_client, format="pdf")

    assert response.status_code == 200
    assert not response.streaming
    assert 'class="form-row errors field-format"' in response.text


# -- The export page: how it is reached ----------------------------------------------------


def test_the_export_page_shows_the_form_with_only_completed_submissions_by_default(
    admin_client, revision
):
    response = export_page(admin_client)

    form = response.context["form"]
    assert response.status_code == 200
    assert not form.is_bound
    assert form["format"].value() == "csv"
    assert not form["include_unfinished"].value()
    assert not form["leave_out_flagged"].value()
    assert 'name="include_unfinished"' in response.text
    assert 'type="date" name="completed_from"' in response.text


def test_the_list_links_to_the_export_page_carrying_its_filters(admin_client, revision):
    listed = admin_client.get(
        admin_url("submission"),
        {"language__exact": "zh-hans", "revision": revision.pk, "quality": "clear"},
    )

    link = export_links(listed)["Export with options"]
    form = admin_client.get(link).context["form"]

    assert link.startswith(admin_url("submission", "export_options") + "?")
    assert form.initial == {
        "language": "zh-hans",
        "revision": revision.pk,
        "leave_out_flagged": True,
    }
    assert form["language"].value() == "zh-hans"


def test_the_list_keeps_its_direct_csv_link_beside_the_export_page(admin_client, revision):
    listed = admin_client.get(admin_url("submission"), {"status": "completed"})

    links = export_links(listed)

    assert links["Export these as CSV"] == admin_url("submission", "export") + "?status=completed"
    assert set(links) == {"Export these as CSV", "Export with options"}


def test_an_anonymous_visitor_is_sent_to_log_in_from_the_export_page(client, revision):
    stored(revision, completed=at(3, 2))

    response = export_page(client, format="csv")

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_without_view_permission_on_submissions_are_refused_the_export_page(
    staff_without_submissions, revision
):
    stored(revision, completed=at(3, 2))

    shown = export_page(staff_without_submissions)
    exported = export_page(staff_without_submissions, format="xlsx")

    assert (shown.status_code, exported.status_code) == (403, 403)
    assert "spreadsheetml" not in exported.get("Content-Type", "")


def test_staff_who_may_view_submissions_can_export_them(staff_viewing_submissions, revision):
    done = stored(revision, completed=at(3, 2))

    response = export_page(staff_viewing_submissions, format="csv")

    assert exported_ids(response) == [str(done.pk)]


@pytest.mark.parametrize(
    ("headers", "home", "language"),
    [(ENGLISH, "Home", "en"), (CHINESE, "首页", "zh-hans")],
    ids=["english", "chinese"],
)
def test_the_export_page_and_the_list_render_in_both_languages(
    admin_client, revision, headers, home, language
):
    stored(revision, completed=at(3, 2))

    page = admin_client.get(admin_url("submission", "export_options"), **headers)
    listed = admin_client.get(admin_url("submission"), **headers)

    assert page.status_code == listed.status_code == 200
    assert f'<html lang="{language}"' in page.text
    assert f'<a href="{reverse("admin:index")}">{home}</a>' in page.text
    assert page.context["form"].fields["language"].choices[2] == ("zh-hans", "简体中文")
    assert len(export_links(listed)) == 2


# -- Admin actions ----------------------------------------------------------------------------


def test_the_xlsx_action_exports_the_selected_submissions(admin_client, revision):
    chosen = stored(revision, completed=at(3, 2))
    unfinished = stored(revision, started=at(3, 3))
    stored(revision, completed=at(3, 4))

    response = post_action(admin_client, "export_xlsx", str(chosen.pk), str(unfinished.pk))

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["Submissions"].values)
    assert [row[0] for row in rows[1:]] == [str(chosen.pk), str(unfinished.pk)]


@pytest.mark.parametrize(
    "bad_id",
    [
        pytest.param("not-a-uuid", id="not-a-uuid"),
        pytest.param("42", id="a-number"),
        pytest.param("<b>x</b>", id="markup"),
        pytest.param(str(uuid.UUID(int=1)), id="a-uuid-of-no-submission"),
    ],
)
@pytest.mark.parametrize("action", ["export_csv", "export_xlsx"])
def test_an_export_action_with_a_bad_id_says_so_and_exports_nothing(
    admin_client, revision, action, bad_id
):
    good = stored(revision, completed=at(3, 2))

    response = post_action(admin_client, action, str(good.pk), bad_id)

    assert response.status_code == 302
    assert response.url == admin_url("submission")
    assert messages_shown(admin_client.get(response.url)) == [
        f"“{bad_id}” was not a valid submission id; nothing was exported."
    ]


def test_an_export_action_naming_a_submission_the_filtered_list_does_not_show_exports_nothing(
    admin_client, revision
):
    unfinished = stored(revision, started=at(3, 3))
    url = admin_url("submission") + "?status=completed"

    response = post_action(admin_client, "export_csv", str(unfinished.pk), url=url)

    assert (response.status_code, response.url) == (302, url)
    assert messages_shown(admin_client.get(url)) == [
        f"“{unfinished.pk}” was not a valid submission id; nothing was exported."
    ]


def test_deleting_with_a_bad_id_says_so_and_deletes_nothing(admin_client, revision):
    good = stored(revision, completed=at(3, 2))

    response = post_action(admin_client, "delete_selected", str(good.pk), "not-a-uuid")

    assert response.status_code == 302
    assert messages_shown(admin_client.get(response.url)) == [
        "“not-a-uuid” was not a valid submission id; nothing was done."
    ]
    assert Submission.objects.filter(pk=good.pk).exists()


def test_selecting_every_submission_of_the_list_ignores_the_ids_posted_with_it(
    admin_client, revision
):
    first = stored(revision, completed=at(3, 2))
    second = stored(revision, completed=at(3, 3))

    response = post_action(admin_client, "export_csv", "not-a-uuid", select_across="1")

    assert exported_ids(response) == [str(first.pk), str(second.pk)]
