"""The Django admin: editing the questionnaire, reading and exporting submissions."""

from __future__ import annotations

import csv
import html
import io
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from assessments.models import Question, Questionnaire, ReasonCategory, Submission

from .conftest import answer_step, complete, start

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


def export_csv(admin_client, *submissions: Submission):
    return admin_client.post(
        admin_url("submission"),
        {
            "action": "export_csv",
            "index": "0",
            "_selected_action": [str(submission.pk) for submission in submissions],
        },
    )


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def statements_of(reason_key: str) -> list[str]:
    return list(
        Question.objects.filter(category__key=reason_key)
        .order_by("order")
        .values_list("statement", flat=True)
    )


@pytest.fixture
def varied_submission(questionnaire, respondent) -> Submission:
    """A finished submission whose answers cycle through 1..5, so scores differ by reason."""
    submission = start(respondent)
    questions = Question.objects.filter(category__questionnaire=questionnaire).order_by("pk")
    complete(respondent, submission, {q.pk: index % 5 + 1 for index, q in enumerate(questions)})
    return submission


@pytest.fixture
def unfinished_submission(questionnaire, other_browser) -> Submission:
    """A submission from another browser with only the first step answered, all "Agree"."""
    submission = start(other_browser)
    response = answer_step(other_browser, submission, 1, 4)
    assert response.status_code == 302
    return submission


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
    assert shown == statements_of("perseverance")
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

    assert "“Some signs” must start below “strong signs”, within 1-100." in page_text(response)
    reason.refresh_from_db()
    assert (reason.title, reason.some_signs_from, reason.strong_signs_from) == (
        "Perseverance",
        35,
        65,
    )


def test_the_statement_list_filters_by_reason(admin_client, questionnaire):
    reason = ReasonCategory.objects.get(key="little-ml")

    response = admin_client.get(admin_url("question"), {"category__id__exact": reason.pk})

    text = page_text(response)
    assert all(statement in text for statement in statements_of("little-ml"))
    assert not any(statement in text for statement in statements_of("perseverance"))
    assert "6 results" in text
    assert "Little ML" in selected_filters(response, f"category__id__exact={reason.pk}")


def test_the_statement_list_filters_inactive_statements(admin_client, questionnaire):
    retired = Question.objects.get(key="skip-the-maths")
    Question.objects.filter(pk=retired.pk).update(active=False)

    response = admin_client.get(admin_url("question"), {"active__exact": "0"})

    text = page_text(response)
    assert retired.statement in text
    assert "1 result" in text
    assert statements_of("little-ml")[0] not in text
    assert "No" in selected_filters(response, "active__exact=0")


def test_the_statement_list_search_finds_a_statement_by_its_words(admin_client, questionnaire):
    wanted = Question.objects.get(key="picture-day-of-architectures")

    response = admin_client.get(admin_url("question"), {"q": "neural-network architectures"})

    assert [question.pk for question in response.context["cl"].result_list] == [wanted.pk]
    assert wanted.statement in page_text(response)


# -- Submissions --------------------------------------------------------------------------


def test_the_submission_list_shows_every_submission(
    admin_client, completed_submission, unfinished_submission
):
    response = admin_client.get(admin_url("submission"))

    text = page_text(response)
    assert str(completed_submission.pk) in text
    assert str(unfinished_submission.pk) in text
    assert "Is machine-learning engineering for you?" in text


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


def test_a_submission_page_shows_its_answers_and_scores(admin_client, varied_submission):
    response = admin_client.get(admin_url("submission", "change", varied_submission.pk))

    text = page_text(response)
    for answer in varied_submission.answers.all():
        assert answer.statement in text
    assert "Strongly agree" in text and "Strongly disagree" in text
    assert "<th>Reason</th><th>Score</th><th>Band</th>" in text
    for reason in varied_submission.result().reasons:
        row = f"<tr><td>{reason.title}</td><td>{reason.score}</td><td>{reason.band.label}</td></tr>"
        assert row in text


def test_a_submission_page_offers_no_save_button(admin_client, completed_submission):
    response = admin_client.get(admin_url("submission", "change", completed_submission.pk))

    assert 'name="_save"' not in page_text(response)
    assert "Change submission" not in page_text(response)


def test_posting_to_a_submission_page_is_refused_and_changes_nothing(
    admin_client, completed_submission
):
    completed_at = completed_submission.completed_at

    response = admin_client.post(
        admin_url("submission", "change", completed_submission.pk),
        {"completed_at_0": "", "completed_at_1": "", "_save": "Save"},
    )

    assert response.status_code == 403
    completed_submission.refresh_from_db()
    assert completed_submission.completed_at == completed_at


def test_submissions_cannot_be_added_in_the_admin(admin_client, questionnaire):
    response = admin_client.post(
        admin_url("submission", "add"), {"questionnaire": questionnaire.pk}
    )

    assert response.status_code == 403
    assert not Submission.objects.exists()
    assert "Add submission" not in page_text(admin_client.get(admin_url("submission")))


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


# -- The CSV export -------------------------------------------------------------------------


def test_the_csv_export_is_a_csv_attachment(admin_client, completed_submission):
    response = export_csv(admin_client, completed_submission)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="mlfit-submissions-')
    assert csv_rows(response)[0][:5] == [
        "submission",
        "questionnaire",
        "started",
        "completed",
        "language",
    ]


def test_the_csv_export_has_a_column_per_reason_then_per_statement(
    admin_client, completed_submission
):
    header = csv_rows(export_csv(admin_client, completed_submission))[0]

    assert header[5:10] == [
        "score: Constant learning",
        "score: Perseverance",
        "score: Change and rework",
        "score: Stakeholder management",
        "score: Little ML",
    ]
    assert header[10:16] == [f"Constant learning: {s}" for s in statements_of("constant-learning")]
    assert len(header) == 5 + 5 + 30


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
    assert rows[1][1:4] == [
        "ml-engineering-fit",
        completed_submission.started_at.isoformat(),
        completed_submission.completed_at.isoformat(),
    ]


def test_the_csv_export_scores_match_the_submissions_result(admin_client, varied_submission):
    header, row = csv_rows(export_csv(admin_client, varied_submission))

    exported = dict(zip(header, row, strict=True))
    expected = {f"score: {r.title}": str(r.score) for r in varied_submission.result().reasons}
    assert {column: exported[column] for column in expected} == expected
    assert len(set(expected.values())) > 1


def test_the_csv_export_has_each_answer_under_its_statement(admin_client, varied_submission):
    header, row = csv_rows(export_csv(admin_client, varied_submission))

    exported = dict(zip(header, row, strict=True))
    for answer in varied_submission.answers.select_related("reason"):
        assert exported[f"{answer.reason.title}: {answer.statement}"] == str(answer.value)


def test_the_csv_export_keeps_the_column_of_a_statement_deleted_after_answering(
    admin_client, varied_submission
):
    deleted = Question.objects.get(key="skip-the-maths")
    answer = varied_submission.answers.get(question=deleted)
    deleted.delete()

    header, row = csv_rows(export_csv(admin_client, varied_submission))

    exported = dict(zip(header, row, strict=True))
    assert exported[f"Constant learning: {answer.statement}"] == str(answer.value)
    assert len(header) == 5 + 5 + 30


def test_the_csv_export_leaves_unanswered_statements_of_an_unfinished_submission_empty(
    admin_client, completed_submission, unfinished_submission
):
    header, _, row = csv_rows(export_csv(admin_client, completed_submission, unfinished_submission))

    exported = dict(zip(header, row, strict=True))
    assert exported["completed"] == ""
    assert [exported[f"Constant learning: {s}"] for s in statements_of("constant-learning")] == [
        "4"
    ] * 6
    assert {exported[f"Little ML: {s}"] for s in statements_of("little-ml")} == {""}
    assert exported["score: Little ML"] == ""
    assert exported["score: Constant learning"] != ""


def test_deleting_a_questionnaire_with_submissions_in_the_admin_is_refused(
    admin_client, completed_submission
):
    questionnaire = completed_submission.questionnaire

    response = admin_client.post(
        admin_url("questionnaire", "delete", questionnaire.pk), {"post": "yes"}
    )

    assert "would require deleting the following protected related objects" in page_text(response)
    assert Questionnaire.objects.filter(pk=questionnaire.pk).exists()
    assert Submission.objects.filter(pk=completed_submission.pk).exists()


def test_the_csv_export_titles_a_renamed_reason_by_its_newest_name_in_one_column(
    admin_client, completed_submission, other_browser
):
    ReasonCategory.objects.filter(key="perseverance").update(title="Staying power")
    newer = start(other_browser)
    complete(other_browser, newer, 2)
    header, *rows = csv_rows(export_csv(admin_client, completed_submission, newer))
    score_columns = [column for column in header if column.startswith("score: ")]
    assert len(score_columns) == 5
    assert "score: Staying power" in score_columns
    assert "score: Perseverance" not in score_columns
    column = header.index("score: Staying power")
    expected = [
        str(next(r.score for r in sub.result().reasons if r.key == "perseverance"))
        for sub in (completed_submission, newer)
    ]
    assert [row[column] for row in rows] == expected
    assert expected[0] != expected[1]


def test_the_csv_export_of_two_questionnaires_keeps_their_reasons_apart(
    admin_client, completed_submission, small_questionnaire
):
    other = Submission.objects.create(questionnaire=small_questionnaire, owner_key="x" * 64)
    first = small_questionnaire.steps()[0]
    other.save_step(first, {question.pk: 5 for question in first.questions})
    header, *rows = csv_rows(export_csv(admin_client, completed_submission, other))
    assert "ml-engineering-fit score: Perseverance" in header
    assert "small score: First reason" in header
    assert rows[1][header.index("small score: First reason")] == "50"
    assert all(not column.startswith("score: ") for column in header)


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
