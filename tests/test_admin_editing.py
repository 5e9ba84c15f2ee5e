"""Editing the questionnaire in the admin: wide text boxes, order by number or by dragging,
and no publishing while a text respondents read is missing in a language.

Dragging itself needs a browser (tests/browser/test_admin_editing.py); here the
form it posts, and the form posted without JavaScript, are checked.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from assessments.datafile import missing_texts, revision_document
from assessments.models import Question, ReasonCategory, Revision, Role

from .test_admin import (
    admin_url,
    form_data,
    messages_shown,
    page_text,
    publish_url,
    revision_numbers,
)

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def field_tag(response, name: str) -> str:
    """Return the opening tag of the form field called `name`."""
    match = re.search(rf'<(input|textarea|select)\b[^>]*\bname="{name}"[^>]*>', page_text(response))
    assert match, f"no field {name!r} on the page"
    return match[0]


def reason_page(client, key: str = "perseverance", **headers):
    reason = ReasonCategory.objects.get(key=key)
    response = client.get(admin_url("reasoncategory", "change", reason.pk), **headers)
    assert response.status_code == 200
    return response


# -- Wide text boxes ------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh_hans"])
def test_the_statement_page_edits_each_language_of_the_statement_in_a_text_area(
    admin_client, questionnaire, language
):
    statement = Question.objects.get(key="skip-the-maths")

    response = admin_client.get(admin_url("question", "change", statement.pk))

    assert field_tag(response, f"statement_{language}").startswith("<textarea")
    assert field_tag(response, f"help_text_{language}").startswith("<textarea")


@pytest.mark.parametrize("language", ["en", "zh_hans"])
def test_the_reason_page_edits_its_statements_in_text_areas(admin_client, questionnaire, language):
    response = reason_page(admin_client)

    for index in range(6):
        assert field_tag(response, f"questions-{index}-statement_{language}").startswith(
            "<textarea"
        )
    # The blank statement for a new one, too.
    assert field_tag(response, f"questions-6-statement_{language}").startswith("<textarea")
    assert field_tag(response, f"summary_{language}").startswith("<textarea")
    assert field_tag(response, f"experiment_{language}").startswith("<textarea")


def test_the_questionnaire_page_edits_role_summaries_in_text_areas(admin_client, questionnaire):
    response = admin_client.get(admin_url("questionnaire", "change", questionnaire.pk))

    assert field_tag(response, "roles-0-summary_en").startswith("<textarea")
    assert field_tag(response, "roles-0-summary_zh_hans").startswith("<textarea")


def test_the_editing_pages_load_their_stylesheet_and_sortable2s_files_from_this_site(
    admin_client, questionnaire
):
    page = page_text(reason_page(admin_client))

    assert 'href="/static/css/admin-editing.css"' in page
    assert 'href="/static/adminsortable2/css/sortable.css"' in page
    assert re.search(r'<script src="/static/adminsortable2/js/adminsortable2(\.min)?\.js">', page)
    assert "style=" not in page


# -- Order ----------------------------------------------------------------------


def test_the_statements_order_numbers_are_visible_inputs_an_editor_can_type_into(
    admin_client, questionnaire
):
    response = reason_page(admin_client)

    tag = field_tag(response, "questions-0-order")
    assert 'type="number"' in tag
    assert "_reorder_" in tag  # what sortable2's script rewrites after a drag
    assert 'fieldset class="module statement-blocks sortable"' in page_text(response)


def test_typed_order_numbers_reorder_the_statements_without_javascript(admin_client, questionnaire):
    reason = ReasonCategory.objects.get(key="perseverance")
    url = admin_url("reasoncategory", "change", reason.pk)
    data = form_data(admin_client.get(url), "reasoncategory_form")
    keys = [data[f"questions-{index}-key"][0] for index in range(6)]
    # The last statement first, the first last, with gaps as an editor might type them.
    data["questions-5-order"] = ["0"]
    data["questions-0-order"] = ["40"]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, page_text(response)[:3000]
    stored = list(reason.questions.order_by("order", "pk").values_list("key", flat=True))
    assert stored == [keys[5], *keys[1:5], keys[0]]


def test_the_order_a_drag_posts_is_stored(admin_client, questionnaire):
    reason = ReasonCategory.objects.get(key="perseverance")
    url = admin_url("reasoncategory", "change", reason.pk)
    data = form_data(admin_client.get(url), "reasoncategory_form")
    keys = [data[f"questions-{index}-key"][0] for index in range(6)]
    # What sortable2's script leaves in the inputs after the third row is dragged to the top.
    for index, position in enumerate([2, 3, 1, 4, 5, 6]):
        data[f"questions-{index}-order"] = [str(position)]

    admin_client.post(url, {**data, "_save": "Save"})

    stored = list(reason.questions.order_by("order", "pk").values_list("key", flat=True))
    assert stored == [keys[2], keys[0], keys[1], *keys[3:]]


def test_an_existing_statement_needs_an_order_number(admin_client, questionnaire):
    reason = ReasonCategory.objects.get(key="perseverance")
    url = admin_url("reasoncategory", "change", reason.pk)
    data = form_data(admin_client.get(url), "reasoncategory_form")
    data["questions-2-order"] = [""]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert "This field is required." in page_text(response)


def test_a_new_statement_left_without_a_number_goes_last(admin_client, questionnaire):
    reason = ReasonCategory.objects.get(key="perseverance")
    url = admin_url("reasoncategory", "change", reason.pk)
    data = form_data(admin_client.get(url), "reasoncategory_form")
    data["questions-6-statement_en"] = ["I finish what I start."]
    data["questions-6-statement_zh_hans"] = ["我会把开始的事做完。"]
    data["questions-6-order"] = [""]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, page_text(response)[:3000]
    last = reason.questions.order_by("order", "pk").last()
    assert (last.statement_en, last.order) == ("I finish what I start.", 7)


def test_typed_order_numbers_reorder_the_reasons_on_the_questionnaire_page(
    admin_client, questionnaire
):
    url = admin_url("questionnaire", "change", questionnaire.pk)
    data = form_data(admin_client.get(url), "questionnaire_form")
    data["reasons-0-order"], data["reasons-4-order"] = ["5"], ["1"]
    data["roles-0-order"] = ["9"]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, page_text(response)[:3000]
    reasons = list(questionnaire.reasons.order_by("order", "pk").values_list("key", flat=True))
    assert (reasons[0], reasons[-1]) == ("little-ml", "constant-learning")
    assert questionnaire.roles.order_by("order", "pk").last().key == "ml-engineer"


def test_the_reason_page_works_in_chinese(admin_client, questionnaire):
    response = reason_page(admin_client, **CHINESE)

    assert response.headers["Content-Language"] == "zh-hans"
    assert field_tag(response, "questions-0-statement_zh_hans").startswith("<textarea")
    assert 'type="number"' in field_tag(response, "questions-0-order")


# -- Publishing refuses missing translations --------------------------------------


def test_a_complete_questionnaire_misses_no_text(questionnaire):
    assert questionnaire.missing_texts() == []


@pytest.mark.parametrize(
    ("language", "name"), [("en", "English"), ("zh_hans", "Simplified Chinese")]
)
def test_publishing_is_refused_while_a_statement_has_no_text_in_a_language(
    questionnaire, language, name
):
    Question.objects.filter(key="skip-the-maths").update(**{f"statement_{language}": ""})

    with pytest.raises(ValidationError) as refused:
        questionnaire.publish()

    assert refused.value.messages == [
        f"Reason “Constant learning”, statement “{statement_name('skip-the-maths')}”: "
        f"“statement” has no {name} text."
    ]
    assert revision_numbers(questionnaire) == [1]


def test_publishing_is_refused_while_a_statement_has_no_chinese_text(questionnaire):
    statement = Question.objects.get(key="skip-the-maths")
    Question.objects.filter(pk=statement.pk).update(statement_zh_hans="  ")

    with pytest.raises(ValidationError) as refused:
        questionnaire.publish()

    assert refused.value.messages == [
        f"Reason “Constant learning”, statement “{statement_name(statement.key)}”: "
        "“statement” has no Simplified Chinese text."
    ]
    assert refused.value.error_list[0].code == "missing_translation"
    assert revision_numbers(questionnaire) == [1]


def test_a_missing_text_is_named_by_its_reason_or_role_field_and_language(questionnaire):
    ReasonCategory.objects.filter(key="perseverance").update(advice_en="")
    Role.objects.filter(key="data-engineer").update(summary_zh_hans="")
    # Its help text was empty in both languages, as it may be.
    Question.objects.filter(key="postpone-learning-new-tool").update(help_text_en="A new tool.")

    problems = questionnaire.missing_texts()

    # In the order of the page: reasons in order, each with its statements, then roles.
    assert problems == [
        f"Reason “Constant learning”, statement “{statement_name('postpone-learning-new-tool')}”: "
        "“help text” has no Simplified Chinese text.",
        "Reason “Perseverance”: “advice” has no English text.",
        "Role “Data engineer”: “one-line summary” has no Simplified Chinese text.",
    ]


def statement_name(key: str) -> str:
    """Return how a message names a statement: its first 60 characters, English if any."""
    statement = Question.objects.get(key=key)
    text = statement.statement_en or statement.statement_zh_hans
    return text if len(text) <= 60 else text[:59] + "…"


def test_optional_texts_may_be_empty_in_every_language(questionnaire):
    ReasonCategory.objects.filter(key="perseverance").update(
        experiment_en="", experiment_zh_hans=""
    )
    questionnaire.intro_en = questionnaire.intro_zh_hans = ""
    questionnaire.save()

    assert questionnaire.missing_texts() == []


def test_an_inactive_statement_may_stay_untranslated(questionnaire):
    Question.objects.filter(key="skip-the-maths").update(statement_zh_hans="", active=False)

    assert questionnaire.missing_texts() == []
    assert questionnaire.publish().number == 2


def test_missing_texts_are_found_in_the_document_alone(questionnaire):
    document = revision_document(questionnaire)
    document["questionnaire"]["roles"][0]["title"]["zh-hans"] = ""

    assert missing_texts(document) == [
        "Role “ML engineer”: “title” has no Simplified Chinese text."
    ]


def test_publishing_with_missing_texts_allowed_still_works_for_data_files(questionnaire):
    Question.objects.filter(key="skip-the-maths").update(statement_zh_hans="")

    assert questionnaire.publish(allow_missing_texts=True).number == 2


@pytest.mark.parametrize("language", ["en", "zh_hans"])
def test_the_publish_page_lists_the_missing_texts_and_offers_no_publish_button(
    admin_client, questionnaire, language
):
    Role.objects.filter(key="data-engineer").update(**{f"summary_{language}": ""})
    name = {"en": "English", "zh_hans": "Simplified Chinese"}[language]

    response = admin_client.get(publish_url(questionnaire))

    assert response.status_code == 200
    text = page_text(response)
    assert "It cannot be published yet: 1 text is missing" in text
    assert f"<li>Role “Data engineer”: “one-line summary” has no {name} text.</li>" in text
    assert 'value="Publish"' not in text


@pytest.mark.parametrize("language", ["en", "zh_hans"])
def test_posting_publish_anyway_with_a_missing_text_publishes_nothing_and_says_why(
    admin_client, questionnaire, language
):
    Question.objects.filter(key="skip-the-maths").update(**{f"statement_{language}": ""})
    before = Revision.objects.count()

    response = admin_client.post(publish_url(questionnaire))

    assert response.status_code == 200
    assert messages_shown(response) == [
        "Nothing was published: first fill in the missing texts listed here."
    ]
    assert "“statement” has no" in page_text(response)
    assert 'value="Publish"' not in page_text(response)
    assert Revision.objects.count() == before
    assert revision_numbers(questionnaire) == [1]


def test_once_the_text_is_filled_in_the_publish_page_publishes_again(admin_client, questionnaire):
    Question.objects.filter(key="skip-the-maths").update(statement_zh_hans="")
    admin_client.post(publish_url(questionnaire))
    Question.objects.filter(key="skip-the-maths").update(statement_zh_hans="我会跳过数学。")

    response = admin_client.post(publish_url(questionnaire))

    assert response.status_code == 302
    assert revision_numbers(questionnaire) == [1, 2]


def test_the_publish_page_names_the_missing_texts_in_chinese_for_a_chinese_admin(
    admin_client, questionnaire
):
    Role.objects.filter(key="data-engineer").update(summary_zh_hans="")

    response = admin_client.get(publish_url(questionnaire), **CHINESE)

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert page_text(response).count("<li>岗位“Data engineer”") == 1
    assert "没有简体中文文字。" in page_text(response)
    assert 'type="submit"' not in page_text(response).split('id="content-main"')[1]
