"""The Django admin: editing and publishing the questionnaire, reading and exporting submissions."""

from __future__ import annotations

import csv
import html
import io
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.exports import FIXED_COLUMNS
from assessments.models import Question, Questionnaire, ReasonCategory, Revision, Submission

from .conftest import answer_step, complete, leaning, start, step_url

# -- Helpers -------------------------------------------------------------------------


class FormFields(HTMLParser):
    """Collect what a browser would submit from one form on a page, by the form's id."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: dict[str, list[str]] = defaultdict(list)
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            return
        name = attrs.get("name")
        if not self.in_form:
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields[name].append(attrs.get("value") or "on")
                return
            self.fields[name].append(attrs.get("value") or "")
        elif tag == "select" and name:
            self.select, self.select_first, self.select_chosen = name, None, None
        elif tag == "option" and self.select:
            value = attrs.get("value") or ""
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.select_chosen = value
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select:
            chosen = self.select_chosen if self.select_chosen is not None else self.select_first
            self.fields[self.select].append(chosen or "")
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline Django puts right after <textarea>.
            self.fields[self.textarea].append("".join(self.text).removeprefix("\n"))
            self.textarea = None


def form_data(response, form_id: str) -> dict[str, list[str]]:
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.fields, f"no form #{form_id} on the page"
    return dict(parser.fields)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def selected_filters(response, query: str) -> list[str]:
    """Return the labels of the chosen sidebar filter options that link to `query`."""
    pattern = rf'<li class="selected">\s*<a href="\?{re.escape(query)}">([^<]*)</a>'
    return [html.unescape(label) for label in re.findall(pattern, response.content.decode())]


def admin_url(model: str, view: str = "changelist", *args) -> str:
    return reverse(f"admin:assessments_{model}_{view}", args=args)


def publish_url(questionnaire: Questionnaire) -> str:
    return admin_url("questionnaire", "publish", questionnaire.pk)


def listed_changes(response) -> list[str]:
    """Return the changes the publish page lists, as text: "Reason: what changed"."""
    found = re.search(
        r'<ul class="publish-change-list">(.*?)</ul>', response.content.decode(), re.S
    )
    if found is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", found[1], re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def messages_shown(response) -> list[str]:
    """Return the texts of the admin's messages on a page."""
    found = re.findall(r'<ul class="messagelist">(.*?)</ul>', response.content.decode(), re.S)
    return [
        html.unescape(text).strip()
        for block in found
        for text in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)
    ]


def export_csv(admin_client, *submissions: Submission):
    return admin_client.post(
        admin_url("submission"),
        {
            "action": "export_csv",
            "index": "0",
            "_selected_action": [str(submission.pk) for submission in submissions],
        },
    )


def export_link(response) -> str:
    """Return where the submission list's "Export these as CSV" link points."""
    found = re.search(r'<a href="([^"]*)">Export these as CSV</a>', response.content.decode())
    assert found, "no export link on the page"
    return html.unescape(found[1])


def csv_rows(response) -> list[list[str]]:
    assert response.streaming, "the CSV export is not streamed"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


def statement_texts(reason_key: str) -> list[str]:
    """Return the statements of a reason as admins edit them, in order."""
    return list(
        Question.objects.filter(category__key=reason_key)
        .order_by("order")
        .values_list("statement", flat=True)
    )


def revision_numbers(questionnaire: Questionnaire) -> list[int]:
    return list(questionnaire.revisions.order_by("number").values_list("number", flat=True))


def add_submissions(revision: Revision, count: int) -> None:
    """Store `count` finished submissions on `revision` at once, every answer "Agree"."""
    Submission.objects.bulk_create(
        Submission(
            revision=revision,
            owner_key=f"{index:064x}",
            answers="4" * revision.frozen.statement_count,
            completed_at=timezone.now(),
        )
        for index in range(count)
    )


@pytest.fixture
def unfinished_submission(questionnaire, other_browser) -> Submission:
    """A submission from another browser with only the first step answered, all "Agree"."""
    submission = start(other_browser)
    response = answer_step(other_browser, submission, 1, 4)
    assert response.status_code == 302
    return submission


@pytest.fixture
def viewing_staff(django_user_model) -> Client:
    """A browser logged in as staff who may view questionnaires but not change them."""
    user = django_user_model.objects.create_user("viewer", password="not-used", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="assessments", codename="view_questionnaire")
    )
    browser = Client()
    browser.force_login(user)
    return browser


# -- The questionnaire -----------------------------------------------------------------


def test_the_questionnaire_list_shows_its_title_and_number_of_reasons(admin_client, questionnaire):
    response = admin_client.get(admin_url("questionnaire"))

    text = page_text(response)
    assert "Is machine-learning engineering for you?" in text
    assert response.context["cl"].result_list[0].reason_count == 5
    assert '<td class="field-reason_count">5</td>' in text


def test_the_questionnaire_page_lists_its_reasons_inline_in_order(admin_client, questionnaire):
    response = admin_client.get(admin_url("questionnaire", "change", questionnaire.pk))

    data = form_data(response, "questionnaire_form")
    titles = [data[f"reasons-{index}-title_en"][0] for index in range(5)]
    assert titles == [
        "Constant learning",
        "Perseverance",
        "Change and rework",
        "Stakeholder management",
        "Little ML",
    ]
    assert data["reasons-TOTAL_FORMS"] == ["5"]


def test_the_reason_page_lists_its_statements_inline(admin_client, questionnaire):
    reason = ReasonCategory.objects.get(key="perseverance")

    response = admin_client.get(admin_url("reasoncategory", "change", reason.pk))

    data = form_data(response, "reasoncategory_form")
    shown = [data[f"questions-{index}-statement_en"][0] for index in range(6)]
    assert shown == statement_texts("perseverance")
    assert data["questions-INITIAL_FORMS"] == ["6"]


def test_saving_a_reason_updates_an_edited_statement_and_swapped_order(admin_client, questionnaire):
    reason = ReasonCategory.objects.get(key="perseverance")
    url = admin_url("reasoncategory", "change", reason.pk)
    data = form_data(admin_client.get(url), "reasoncategory_form")
    first_key, second_key = data["questions-0-key"][0], data["questions-1-key"][0]
    data["questions-0-statement_en"] = ["I keep at a stubborn bug until it is gone."]
    data["questions-0-order"], data["questions-1-order"] = (
        data["questions-1-order"],
        data["questions-0-order"],
    )

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, page_text(response)[:3000]
    assert response.url == admin_url("reasoncategory")
    first = Question.objects.get(category=reason, key=first_key)
    second = Question.objects.get(category=reason, key=second_key)
    assert first.statement == "I keep at a stubborn bug until it is gone."
    assert (first.order, second.order) == (2, 1)
    assert reason.questions.count() == 6


def test_saving_a_reason_with_thresholds_out_of_order_shows_why_and_saves_nothing(
    admin_client, questionnaire
):
    reason = ReasonCategory.objects.get(key="perseverance")
    url = admin_url("reasoncategory", "change", reason.pk)
    data = form_data(admin_client.get(url), "reasoncategory_form")
    data["some_signs_from"], data["strong_signs_from"] = ["70"], ["40"]
    data["title"] = ["Not saved"]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert "“May wear on you” must start below “likely to wear on you”, within 1-100." in page_text(
        response
    )
    reason.refresh_from_db()
    assert (reason.title, reason.some_signs_from, reason.strong_signs_from) == (
        "Perseverance",
        25,
        60,
    )


def test_the_statement_list_filters_by_reason(admin_client, questionnaire):
    reason = ReasonCategory.objects.get(key="little-ml")

    response = admin_client.get(admin_url("question"), {"category__id__exact": reason.pk})

    text = page_text(response)
    assert all(statement in text for statement in statement_texts("little-ml"))
    assert not any(statement in text for statement in statement_texts("perseverance"))
    assert "6 results" in text
    assert "Little ML" in selected_filters(response, f"category__id__exact={reason.pk}")


def test_the_statement_list_filters_inactive_statements(admin_client, questionnaire):
    retired = Question.objects.get(key="skip-the-maths")
    Question.objects.filter(pk=retired.pk).update(active=False)

    response = admin_client.get(admin_url("question"), {"active__exact": "0"})

    text = page_text(response)
    assert retired.statement in text
    assert "1 result" in text
    assert statement_texts("little-ml")[0] not in text
    assert "No" in selected_filters(response, "active__exact=0")


def test_the_statement_list_search_finds_a_statement_by_its_words(admin_client, questionnaire):
    wanted = Question.objects.get(key="picture-day-of-architectures")

    response = admin_client.get(admin_url("question"), {"q": "neural-network architectures"})

    assert [question.pk for question in response.context["cl"].result_list] == [wanted.pk]
    assert wanted.statement in page_text(response)


# -- Publishing -------------------------------------------------------------------------


def reword_a_statement() -> str:
    statement = Question.objects.get(key="skip-the-maths")
    Question.objects.filter(pk=statement.pk).update(statement="Formulas put me off.")
    return (
        f"Constant learning: Reworded (en): “{statement.statement}” → “Formulas put me off.” "
        "Check the other languages: only these changed."
    )


def rekey_a_statement() -> str:
    statement = Question.objects.get(key="skip-the-maths")
    Question.objects.filter(pk=statement.pk).update(direction="reverse")
    return (
        "Constant learning: Re-keyed from agreeing signals “may not fit” to reverse-keyed: "
        f"“{statement.statement}”"
    )


def delete_a_statement() -> str:
    statement = Question.objects.get(key="multi-day-bug-hunt")
    statement.delete()
    return f"Perseverance: No longer asked: “{statement.statement}”"


def retire_a_statement() -> str:
    statement = Question.objects.get(key="multi-day-bug-hunt")
    Question.objects.filter(pk=statement.pk).update(active=False)
    return f"Perseverance: No longer asked: “{statement.statement}”"


def add_a_statement() -> str:
    reason = ReasonCategory.objects.get(key="little-ml")
    Question.objects.create(
        category=reason,
        order=7,
        statement_en="I would rather tune than ship.",
        statement_zh_hans="我宁愿调参，也不愿上线。",
    )
    return "Little ML: New statement: “I would rather tune than ship.”"


def move_band_thresholds() -> str:
    ReasonCategory.objects.filter(key="perseverance").update(
        some_signs_from=40, strong_signs_from=70
    )
    return (
        "Perseverance: Band thresholds: “may wear on you” from 25 to 40, "
        "“likely to wear on you” from 60 to 70."
    )


EDITS = [
    pytest.param(reword_a_statement, id="reworded"),
    pytest.param(rekey_a_statement, id="re-keyed"),
    pytest.param(delete_a_statement, id="deleted"),
    pytest.param(retire_a_statement, id="made-inactive"),
    pytest.param(add_a_statement, id="added"),
    pytest.param(move_band_thresholds, id="thresholds"),
]


def test_the_questionnaire_page_offers_publish_changes(admin_client, questionnaire):
    response = admin_client.get(admin_url("questionnaire", "change", questionnaire.pk))

    assert f'<a href="{publish_url(questionnaire)}">Publish changes</a>' in page_text(response)


def test_saving_in_the_admin_changes_the_working_copy_not_the_published_revision(
    admin_client, questionnaire
):
    reason = ReasonCategory.objects.get(key="perseverance")
    original = statement_texts("perseverance")[0]
    url = admin_url("reasoncategory", "change", reason.pk)
    data = form_data(admin_client.get(url), "reasoncategory_form")
    data["questions-0-statement_en"] = ["I keep at a stubborn bug until it is gone."]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302
    assert statement_texts("perseverance")[0] == "I keep at a stubborn bug until it is gone."
    assert revision_numbers(questionnaire) == [1]
    published = questionnaire.latest_revision().frozen.reasons[1].statements[0]
    assert str(published.text) == original


@pytest.mark.parametrize("edit", EDITS)
def test_the_publish_page_lists_what_changed_since_the_last_revision(
    admin_client, questionnaire, edit
):
    expected = edit()

    response = admin_client.get(publish_url(questionnaire))

    assert response.status_code == 200
    assert "Changes since revision 1, which respondents answer now:" in page_text(response)
    assert listed_changes(response) == [expected]
    assert 'value="Publish"' in page_text(response)
    assert revision_numbers(questionnaire) == [1]


@pytest.mark.parametrize("edit", EDITS)
def test_publishing_creates_revision_2_with_the_change_and_says_so(
    admin_client, admin_user, questionnaire, edit
):
    edit()

    response = admin_client.post(publish_url(questionnaire), follow=True)

    assert response.redirect_chain == [
        (admin_url("questionnaire", "change", questionnaire.pk), 302)
    ]
    assert "Published revision 2. New respondents now answer it." in messages_shown(response)
    assert revision_numbers(questionnaire) == [1, 2]
    revision = questionnaire.latest_revision()
    assert revision.published_by == admin_user.username
    # Revision 2 holds the change: the working copy now matches it.
    assert "There is nothing to publish." in page_text(admin_client.get(publish_url(questionnaire)))


def test_after_publishing_the_landing_page_shows_the_new_wording(
    admin_client, questionnaire, respondent
):
    ReasonCategory.objects.filter(key="perseverance").update(title="Staying power")
    assert "Staying power" not in page_text(respondent.get(reverse("assessments:landing")))

    admin_client.post(publish_url(questionnaire))

    landing = page_text(respondent.get(reverse("assessments:landing")))
    assert "Staying power" in landing
    assert "Perseverance" not in landing


def test_after_publishing_a_new_start_answers_the_new_revision(
    admin_client, questionnaire, respondent
):
    Question.objects.filter(key="postpone-learning-new-tool").update(
        statement="New tools at work make me groan."
    )
    admin_client.post(publish_url(questionnaire))

    submission = start(respondent)

    assert submission.revision.number == 2
    assert "New tools at work make me groan." in page_text(respondent.get(step_url(submission, 1)))


def test_the_publish_page_says_there_is_nothing_to_publish_when_nothing_changed(
    admin_client, questionnaire
):
    response = admin_client.get(publish_url(questionnaire))

    text = page_text(response)
    assert response.status_code == 200
    assert "There is nothing to publish." in text
    assert 'value="Publish"' not in text
    assert revision_numbers(questionnaire) == [1]


def test_publishing_unchanged_content_anyway_creates_no_revision(admin_client, questionnaire):
    response = admin_client.post(publish_url(questionnaire), follow=True)

    assert response.redirect_chain == [
        (admin_url("questionnaire", "change", questionnaire.pk), 302)
    ]
    assert "Nothing has changed since revision 1; nothing was published." in messages_shown(
        response
    )
    assert revision_numbers(questionnaire) == [1]


def test_the_first_publish_page_counts_what_revision_1_will_ask(admin_client, db):
    both = {"en": "{} in English.", "zh_hans": "{}（中文）。"}

    def texts(**fields: str) -> dict[str, str]:
        """Return each field in both languages: {"title_en": ..., "title_zh_hans": ...}."""
        return {
            f"{field}_{code}": pattern.format(value)
            for field, value in fields.items()
            for code, pattern in both.items()
        }

    draft = Questionnaire.objects.create(slug="draft", **texts(title="Draft"))
    for order, key in enumerate(["first", "second"], start=1):
        reason = ReasonCategory.objects.create(
            questionnaire=draft,
            key=key,
            order=order,
            **texts(title=key, summary="Summary", why_it_matters="Why", advice="Advice"),
        )
        Question.objects.create(category=reason, key=f"{key}-a", **texts(statement=f"{key} A"))
    Question.objects.create(category=reason, key="second-b", **texts(statement="Second B"))

    response = admin_client.get(publish_url(draft))

    assert "This will be the first revision. Reasons: 2. Statements: 3." in page_text(response)
    assert 'value="Publish"' in page_text(response)
    assert revision_numbers(draft) == []


def test_staff_without_change_permission_cannot_publish(viewing_staff, questionnaire):
    reword_a_statement()

    shown = viewing_staff.get(publish_url(questionnaire))
    posted = viewing_staff.post(publish_url(questionnaire))

    assert (shown.status_code, posted.status_code) == (403, 403)
    assert revision_numbers(questionnaire) == [1]


def test_staff_without_change_permission_are_not_offered_publish_changes(
    viewing_staff, questionnaire
):
    response = viewing_staff.get(admin_url("questionnaire", "change", questionnaire.pk))

    assert response.status_code == 200
    assert publish_url(questionnaire) not in page_text(response)


# -- Revisions --------------------------------------------------------------------------


def test_the_revision_list_shows_each_revision_with_its_number_of_submissions(
    admin_client, questionnaire
):
    add_submissions(questionnaire.latest_revision(), 2)
    reword_a_statement()
    add_submissions(questionnaire.publish(by="editor"), 1)

    response = admin_client.get(admin_url("revision"))

    page = response.content.decode()
    rows = re.findall(
        r'<td class="field-number">(\d+)</td>.*?'
        r'<td class="field-published_by">([^<]*)</td>\s*'
        r'<td class="field-submission_count">(\d+)</td>',
        page,
        re.S,
    )
    assert rows == [("2", "editor", "1"), ("1", "-", "2")]
    assert "Is machine-learning engineering for you?, revision 2" in page_text(response)


def test_the_revision_list_offers_no_add_and_no_delete(admin_client, questionnaire):
    text = page_text(admin_client.get(admin_url("revision")))

    assert "Add revision" not in text
    assert "delete_selected" not in text
    assert 'name="_selected_action"' not in text


@pytest.mark.parametrize(
    ("view", "data"),
    [
        pytest.param("add", {"number": "2"}, id="add"),
        pytest.param("change", {"number": "9", "published_by": "someone"}, id="change"),
        pytest.param("delete", {"post": "yes"}, id="delete"),
    ],
)
def test_a_revision_cannot_be_added_changed_or_deleted_in_the_admin(
    admin_client, questionnaire, view, data
):
    revision = questionnaire.latest_revision()
    args = () if view == "add" else (revision.pk,)

    response = admin_client.post(admin_url("revision", view, *args), data)

    assert response.status_code == 403
    assert list(Revision.objects.values_list("pk", "number", "published_by")) == [
        (revision.pk, 1, "")
    ]


def test_the_revision_page_shows_its_statements_read_only(admin_client, questionnaire):
    revision = questionnaire.latest_revision()

    response = admin_client.get(admin_url("revision", "change", revision.pk))

    text = page_text(response)
    assert response.status_code == 200
    assert "<th>Reason</th><th>Statement</th><th>Direction</th>" in text
    for reason in revision.frozen.reasons:
        for statement in reason.statements:
            assert f"<td>{reason.title}</td><td>{statement.text}</td>" in text
    reverse_keyed = [s for s in revision.frozen.statements if s.direction == "reverse"]
    assert text.count("<td>reverse-keyed</td>") == len(reverse_keyed) == 15
    assert 'name="_save"' not in text


# -- Submissions --------------------------------------------------------------------------


def test_the_submission_list_shows_every_submission(
    admin_client, completed_submission, unfinished_submission
):
    response = admin_client.get(admin_url("submission"))

    text = page_text(response)
    assert str(completed_submission.pk) in text
    assert str(unfinished_submission.pk) in text
    assert "Is machine-learning engineering for you?, revision 1" in text


def test_the_submission_list_shows_how_many_statements_each_has_answered(
    admin_client, completed_submission, unfinished_submission
):
    response = admin_client.get(admin_url("submission"))

    progress = re.findall(r'<td class="field-progress">([^<]*)</td>', response.content.decode())
    # Completed ones first, the unfinished one after.
    assert progress == ["30 of 30", "6 of 30"]


@pytest.mark.parametrize(
    ("status", "shown", "hidden"), [("completed", 0, 1), ("in_progress", 1, 0)]
)
def test_the_submission_list_filters_by_status(
    admin_client, completed_submission, unfinished_submission, status, shown, hidden
):
    submissions = [completed_submission, unfinished_submission]

    response = admin_client.get(admin_url("submission"), {"status": status})

    text = page_text(response)
    assert str(submissions[shown].pk) in text
    assert str(submissions[hidden].pk) not in text


def test_the_submission_list_filters_by_revision(
    admin_client, questionnaire, completed_submission, other_browser
):
    reword_a_statement()
    revision = questionnaire.publish()
    newer = start(other_browser)

    response = admin_client.get(admin_url("submission"), {"revision": revision.pk})

    assert [submission.pk for submission in response.context["cl"].result_list] == [newer.pk]
    assert "Is machine-learning engineering for you?, revision 2" in selected_filters(
        response, f"revision={revision.pk}"
    )


@pytest.fixture
def clear_submission(questionnaire, other_browser) -> Submission:
    """A finished submission from another browser, answered sincerely: no pattern to flag."""
    submission = start(other_browser)
    complete(other_browser, submission, leaning(submission, {"perseverance": 2}))
    return submission


def test_the_submission_list_shows_the_answer_quality_found_on_confirming(
    admin_client, completed_submission, clear_submission, unfinished_submission
):
    response = admin_client.get(admin_url("submission"))

    html = response.content.decode()
    assert re.search(r'class="column-quality">\s*<div class="text"><span>Answer quality<', html)
    quality = re.findall(r'<td class="field-quality">([^<]*)</td>', html)
    # Newest completed first, the unfinished one last; every answer "Agree" is a
    # straight line that contradicts itself.
    assert quality == [
        "No pattern found",
        "Same answer in a long run, Contradicting answers",
        "—",
    ]


@pytest.mark.parametrize(
    ("quality", "label", "listed"),
    [
        ("straight-line", "Same answer in a long run", ["completed"]),
        ("contradictions", "Contradicting answers", ["completed"]),
        ("clear", "No pattern found", ["clear"]),
        ("speeding", "Answered faster than reading", []),
    ],
)
def test_the_submission_list_filters_by_answer_quality(
    admin_client,
    completed_submission,
    clear_submission,
    unfinished_submission,
    quality,
    label,
    listed,
):
    submissions = {"completed": completed_submission, "clear": clear_submission}

    response = admin_client.get(admin_url("submission"), {"quality": quality})

    assert response.status_code == 200
    assert [s.pk for s in response.context["cl"].result_list] == [
        submissions[name].pk for name in listed
    ]
    assert label in selected_filters(response, f"quality={quality}")


def test_an_unknown_answer_quality_filter_gets_the_admins_invalid_filter_page(
    admin_client, completed_submission
):
    response = admin_client.get(admin_url("submission"), {"quality": "nonsense"})

    assert response.status_code == 302
    assert response.url == f"{admin_url('submission')}?e=1"


def test_the_submission_list_runs_as_many_queries_for_sixty_submissions_as_for_three(
    admin_client, questionnaire, django_assert_num_queries
):
    revision = questionnaire.latest_revision()
    add_submissions(revision, 3)
    # A revision's content is read once per process; read it before counting.
    admin_client.get(admin_url("submission"))
    with CaptureQueriesContext(connection) as three:
        response = admin_client.get(admin_url("submission"))
    assert len(response.context["cl"].result_list) == 3
    add_submissions(revision, 57)

    with django_assert_num_queries(len(three)):
        response = admin_client.get(admin_url("submission"))

    assert len(response.context["cl"].result_list) == 60
    assert page_text(response).count("30 of 30") == 60


def test_a_submission_page_shows_its_scores(admin_client, varied_submission):
    response = admin_client.get(admin_url("submission", "change", varied_submission.pk))

    text = page_text(response)
    assert "<th>Reason</th><th>Score</th><th>Band</th>" in text
    for reason in varied_submission.result().reasons:
        row = (
            f"<tr><td>{reason.title}</td><td>{reason.signed_score}</td>"
            f"<td>{reason.band_label}</td></tr>"
        )
        assert row in text


def test_a_submission_page_shows_its_answer_quality(admin_client, completed_submission):
    response = admin_client.get(admin_url("submission", "change", completed_submission.pk))

    html = page_text(response)
    assert re.search(
        r'<label>Answer quality:</label>\s*<div class="readonly">'
        r"Same answer in a long run, Contradicting answers</div>",
        html,
    )


def test_a_submission_page_shows_each_statement_with_its_answer(admin_client, varied_submission):
    labels = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree"}
    labels |= {4: "Agree", 5: "Strongly agree"}
    directions = {"forward": "forward", "reverse": "reverse-keyed"}

    response = admin_client.get(admin_url("submission", "change", varied_submission.pk))

    text = page_text(response)
    for reason in varied_submission.frozen.reasons:
        for statement in reason.statements:
            answer = labels[statement.position % 5 + 1]
            row = (
                f"<tr><td>{reason.title}</td><td>{statement.text}</td><td>{answer}</td>"
                f"<td>{directions[statement.direction]}, {statement.weight}</td></tr>"
            )
            assert row in text


def test_a_submission_page_marks_statements_not_answered_yet(admin_client, unfinished_submission):
    response = admin_client.get(admin_url("submission", "change", unfinished_submission.pk))

    answers = re.findall(
        r"<tr><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td><td>[^<]*</td></tr>",
        page_text(response),
    )
    assert answers == ["Agree"] * 6 + ["—"] * 24


def test_a_submission_page_offers_no_save_button(admin_client, completed_submission):
    response = admin_client.get(admin_url("submission", "change", completed_submission.pk))

    assert 'name="_save"' not in page_text(response)
    assert "Change submission" not in page_text(response)


def test_posting_to_a_submission_page_is_refused_and_changes_nothing(
    admin_client, completed_submission
):
    completed_at, answers = completed_submission.completed_at, completed_submission.answers

    response = admin_client.post(
        admin_url("submission", "change", completed_submission.pk),
        {"completed_at_0": "", "completed_at_1": "", "answers": "1" * 30, "_save": "Save"},
    )

    assert response.status_code == 403
    completed_submission.refresh_from_db()
    assert (completed_submission.completed_at, completed_submission.answers) == (
        completed_at,
        answers,
    )


def test_submissions_cannot_be_added_in_the_admin(admin_client, questionnaire):
    response = admin_client.post(
        admin_url("submission", "add"),
        {"revision": questionnaire.latest_revision().pk, "answers": "4" * 30},
    )

    assert response.status_code == 403
    assert not Submission.objects.exists()
    assert "Add submission" not in page_text(admin_client.get(admin_url("submission")))


def test_deleting_a_questionnaire_with_submissions_in_the_admin_is_refused(
    admin_client, completed_submission
):
    questionnaire = completed_submission.revision.questionnaire

    response = admin_client.post(
        admin_url("questionnaire", "delete", questionnaire.pk), {"post": "yes"}
    )

    assert "Cannot delete questionnaire" in page_text(response)
    assert Questionnaire.objects.filter(pk=questionnaire.pk).exists()
    assert Submission.objects.filter(pk=completed_submission.pk).exists()
    assert revision_numbers(questionnaire) == [1]


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, completed_submission):
    url = admin_url("submission", "change", completed_submission.pk)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={url}"


def test_an_anonymous_visitor_cannot_export_submissions(client, completed_submission):
    response = export_csv(client, completed_submission)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "text/csv" not in response.get("Content-Type", "")


def test_an_anonymous_visitor_cannot_use_the_export_view(client, completed_submission):
    response = client.get(admin_url("submission", "export"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "text/csv" not in response.get("Content-Type", "")


def test_staff_without_view_permission_on_submissions_cannot_export(
    viewing_staff, completed_submission
):
    response = viewing_staff.get(admin_url("submission", "export"))

    assert response.status_code == 403
    assert "text/csv" not in response.get("Content-Type", "")


# -- The CSV export -------------------------------------------------------------------------


def test_the_csv_export_is_a_streamed_csv_attachment(admin_client, completed_submission):
    response = export_csv(admin_client, completed_submission)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="mlfit-submissions-')
    assert csv_rows(response)[0][:7] == [
        "submission",
        "questionnaire",
        "revision",
        "started",
        "completed",
        "language",
        "quality flags",
    ]


def test_the_csv_export_has_a_column_per_reason_then_per_statement(
    admin_client, completed_submission
):
    header = csv_rows(export_csv(admin_client, completed_submission))[0]

    assert header[7:12] == [
        "score: Constant learning",
        "score: Perseverance",
        "score: Change and rework",
        "score: Stakeholder management",
        "score: Little ML",
    ]
    assert header[12:18] == [
        f"Constant learning: {s}" for s in statement_texts("constant-learning")
    ]
    assert len(header) == 7 + 5 + 30


def test_the_csv_export_has_one_row_per_selected_submission(
    admin_client, completed_submission, unfinished_submission, respondent
):
    not_selected = start(respondent)

    rows = csv_rows(export_csv(admin_client, completed_submission, unfinished_submission))

    assert [row[0] for row in rows[1:]] == [
        str(completed_submission.pk),
        str(unfinished_submission.pk),
    ]
    assert str(not_selected.pk) not in {row[0] for row in rows}
    assert rows[1][1:7] == [
        "ml-engineering-fit",
        "1",
        completed_submission.started_at.isoformat(),
        completed_submission.completed_at.isoformat(),
        "en",
        "straight-line,contradictions",
    ]
    # Flags are found when the answers are confirmed: an unfinished submission has none.
    assert rows[2][6] == ""


def test_the_csv_export_scores_match_the_submissions_result(admin_client, varied_submission):
    header, row = csv_rows(export_csv(admin_client, varied_submission))

    exported = dict(zip(header, row, strict=True))
    expected = {f"score: {r.title}": str(r.score) for r in varied_submission.result().reasons}
    assert {column: exported[column] for column in expected} == expected
    assert len(set(expected.values())) > 1


def test_the_csv_export_has_each_answer_under_its_statement(admin_client, varied_submission):
    header, row = csv_rows(export_csv(admin_client, varied_submission))

    exported = dict(zip(header, row, strict=True))
    for reason in varied_submission.frozen.reasons:
        for statement in reason.statements:
            column = f"{reason.title}: {statement.text}"
            assert exported[column] == str(statement.position % 5 + 1)
    assert {exported[column] for column in header[12:]} == {"1", "2", "3", "4", "5"}


def test_the_csv_export_keeps_the_column_of_a_statement_deleted_after_answering(
    admin_client, questionnaire, varied_submission, other_browser
):
    deleted = Question.objects.get(key="skip-the-maths")
    column = f"Constant learning: {deleted.statement}"
    deleted.delete()
    questionnaire.publish()
    newer = start(other_browser)
    complete(other_browser, newer, 2)

    header, *rows = csv_rows(export_csv(admin_client, varied_submission, newer))

    old, new = (dict(zip(header, row, strict=True)) for row in rows)
    assert (old["revision"], new["revision"]) == ("1", "2")
    # skip-the-maths is the fifth statement: position 4, answered 4 % 5 + 1.
    assert (old[column], new[column]) == ("5", "")
    assert len(header) == 7 + 5 + 30


def test_the_csv_export_leaves_unanswered_statements_of_an_unfinished_submission_empty(
    admin_client, completed_submission, unfinished_submission
):
    header, _, row = csv_rows(export_csv(admin_client, completed_submission, unfinished_submission))

    exported = dict(zip(header, row, strict=True))
    assert exported["completed"] == ""
    assert [exported[f"Constant learning: {s}"] for s in statement_texts("constant-learning")] == [
        "4"
    ] * 6
    assert {exported[f"Little ML: {s}"] for s in statement_texts("little-ml")} == {""}
    assert exported["score: Little ML"] == ""
    assert exported["score: Constant learning"] != ""


def test_the_csv_export_titles_a_renamed_reason_by_its_newest_name_in_one_column(
    admin_client, questionnaire, varied_submission, other_browser
):
    ReasonCategory.objects.filter(key="perseverance").update(title="Staying power")
    questionnaire.publish()
    newer = start(other_browser)
    complete(other_browser, newer, 2)

    header, *rows = csv_rows(export_csv(admin_client, varied_submission, newer))

    score_columns = [column for column in header if column.startswith("score: ")]
    assert len(score_columns) == 5
    assert "score: Staying power" in score_columns
    assert "score: Perseverance" not in score_columns
    column = header.index("score: Staying power")
    expected = [
        str(next(r.score for r in sub.result().reasons if r.key == "perseverance"))
        for sub in (varied_submission, newer)
    ]
    assert [row[column] for row in rows] == expected
    assert expected[0] != expected[1]


def test_the_csv_export_of_two_questionnaires_keeps_their_reasons_apart(
    admin_client, completed_submission, small_questionnaire
):
    other = Submission.objects.create(
        revision=small_questionnaire.latest_revision(), owner_key="x" * 64, answers="0000"
    )
    other.save_step({0: 5, 1: 3})

    header, *rows = csv_rows(export_csv(admin_client, completed_submission, other))

    assert "ml-engineering-fit score: Perseverance" in header
    assert "small score: First reason" in header
    # "Strongly agree" on the forward statement (+1), neutral on the reverse one (0).
    assert rows[1][header.index("small score: First reason")] == "50"
    assert all(not column.startswith("score: ") for column in header)


def test_the_export_link_keeps_the_lists_filter(
    admin_client, completed_submission, unfinished_submission
):
    listed = admin_client.get(admin_url("submission"), {"status": "completed"})

    response = admin_client.get(export_link(listed))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = csv_rows(response)
    assert header[: len(FIXED_COLUMNS)] == FIXED_COLUMNS
    assert [row[0] for row in rows] == [str(completed_submission.pk)]


def test_the_export_link_keeps_the_answer_quality_filter_and_names_the_flags(
    admin_client, completed_submission, clear_submission, unfinished_submission
):
    listed = admin_client.get(admin_url("submission"), {"quality": "straight-line"})

    header, *rows = csv_rows(admin_client.get(export_link(listed)))

    assert header[6] == "quality flags"
    assert [(row[0], row[6]) for row in rows] == [
        (str(completed_submission.pk), "straight-line,contradictions")
    ]


def test_the_export_link_without_filters_exports_every_submission(
    admin_client, completed_submission, unfinished_submission
):
    listed = admin_client.get(admin_url("submission"))

    rows = csv_rows(admin_client.get(export_link(listed)))[1:]

    assert [row[0] for row in rows] == [str(completed_submission.pk), str(unfinished_submission.pk)]
    assert [row[4] for row in rows] == [
        completed_submission.completed_at.isoformat(),
        "",
    ]


def test_the_export_view_of_completed_submissions_writes_answers_1_to_5_and_reason_scores(
    admin_client, varied_submission
):
    response = admin_client.get(admin_url("submission", "export"), {"status": "completed"})

    header, row = csv_rows(response)
    exported = dict(zip(header, row, strict=True))
    answers = [exported[column] for column in header[12:]]
    assert answers == [str(position % 5 + 1) for position in range(30)]
    expected = {f"score: {r.title}": str(r.score) for r in varied_submission.result().reasons}
    assert {column: exported[column] for column in expected} == expected


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"started_at__gte": "not-a-date"}, id="bad-date"),
        pytest.param({"started_at__year": "abc"}, id="bad-year"),
        pytest.param({"no_such_field": "1"}, id="unknown-field"),
        pytest.param({"quality": "nonsense"}, id="unknown-quality"),
    ],
)
def test_the_export_view_with_bogus_filters_says_so_and_exports_nothing(
    admin_client, completed_submission, query
):
    response = admin_client.get(admin_url("submission", "export"), query, follow=True)

    assert response.redirect_chain == [(admin_url("submission"), 302)]
    assert "Those filters are not valid; nothing was exported." in messages_shown(response)
    assert "text/csv" not in response["Content-Type"]


def test_the_export_view_refuses_a_lookup_the_list_does_not_allow_like_the_list(
    admin_client, completed_submission
):
    response = admin_client.get(
        admin_url("submission", "export"), {"revision__content__contains": "x"}
    )

    assert response.status_code == 400
    assert "text/csv" not in response["Content-Type"]


# -- Both languages -------------------------------------------------------------------------


def test_the_reason_page_shows_both_languages_side_by_side(admin_client, questionnaire):
    reason = ReasonCategory.objects.get(key="perseverance")
    data = form_data(
        admin_client.get(admin_url("reasoncategory", "change", reason.pk)), "reasoncategory_form"
    )
    assert data["title_en"] == ["Perseverance"]
    assert data["title_zh_hans"] == ["毅力"]
    for field in ("summary", "why_it_matters", "advice"):
        assert data[f"{field}_en"][0] and data[f"{field}_zh_hans"][0]
    first = reason.questions.order_by("order").first()
    assert data["questions-0-statement_en"] == [first.statement_en]
    assert data["questions-0-statement_zh_hans"] == [first.statement_zh_hans]


def test_an_admin_edits_the_chinese_statement_without_touching_the_english(
    admin_client, questionnaire
):
    reason = ReasonCategory.objects.get(key="perseverance")
    url = admin_url("reasoncategory", "change", reason.pk)
    data = form_data(admin_client.get(url), "reasoncategory_form")
    english = data["questions-0-statement_en"][0]
    data["questions-0-statement_zh_hans"] = ["遇到顽固的问题，我会一直查到解决为止。"]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302
    edited = Question.objects.get(category=reason, key=data["questions-0-key"][0])
    assert edited.statement_zh_hans == "遇到顽固的问题，我会一直查到解决为止。"
    assert edited.statement_en == english
