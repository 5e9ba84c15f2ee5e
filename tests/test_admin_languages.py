"""The admin in the admin user's language: model and field names, help, choices, errors.

The labels come from the models' strings marked for translation; their
Chinese lives in locale/zh_Hans/LC_MESSAGES with the rest of the interface.
"""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.models import ReasonCategory, Submission

from .test_admin import admin_url, form_data, page_text

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def labels(response) -> dict[str, str]:
    """Return {field id: label text} for the labelled fields of an admin form."""
    found = re.findall(
        r'<label[^>]*\bfor="id_(\w+)"[^>]*>([^<]*)</label>', response.content.decode()
    )
    return {field: html.unescape(text).removesuffix(":") for field, text in found}


def options(response, select_name: str) -> list[str]:
    """Return the texts of the options of one <select> on the page."""
    page = response.content.decode()
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no <select name={select_name!r}> on the page"
    return [html.unescape(text) for text in re.findall(r"<option[^>]*>([^<]*)</option>", select[1])]


def help_text(response, field: str) -> str:
    match = re.search(
        rf'<div class="help" id="id_{field}_helptext">\s*<div>([^<]*)</div>',
        response.content.decode(),
    )
    assert match, f"no help text for {field}"
    return html.unescape(match[1])


def reason_page(client: Client, **headers):
    reason = ReasonCategory.objects.get(key="perseverance")
    response = client.get(admin_url("reasoncategory", "change", reason.pk), **headers)
    assert response.status_code == 200
    return response


@pytest.fixture(params=["accept-language", "language cookie"])
def chinese_admin(request, admin_client) -> tuple[Client, dict]:
    """An admin whose language is Chinese, told by the browser or by the switcher's cookie."""
    if request.param == "accept-language":
        return admin_client, CHINESE
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return admin_client, ENGLISH


def test_a_chinese_admin_sees_the_reason_page_field_labels_in_chinese(chinese_admin, questionnaire):
    client, headers = chinese_admin

    shown = labels(reason_page(client, **headers))

    assert shown["why_it_matters_en"] == "为什么在工作中很重要 [en]"
    assert shown["why_it_matters_zh_hans"] == "为什么在工作中很重要 [zh-hans]"
    assert shown["advice_zh_hans"] == "建议 [zh-hans]"
    assert shown["questionnaire"] == "问卷"
    assert shown["some_signs_from"] == "“可能会让你心累”起始分"
    assert shown["strong_signs_from"] == "“很可能会让你心累”起始分"


def test_a_chinese_admin_sees_the_help_and_the_statement_directions_in_chinese(
    chinese_admin, questionnaire
):
    client, headers = chinese_admin

    response = reason_page(client, **headers)

    assert help_text(response, "why_it_matters_zh_hans") == (
        "这个原因在机器学习工程师的日常工作中意味着什么。"
    )
    assert options(response, "questions-0-direction") == [
        "同意表示可能不适合做机器学习工程",
        "同意表示适合做机器学习工程（反向计分）",
    ]
    # Each statement is a block of its own, its fields labelled one by one.
    assert '<label class="required" for="id_questions-0-direction">方向:</label>' in (
        response.content.decode()
    )


def test_an_english_admin_sees_the_reason_page_in_english(admin_client, questionnaire):
    response = reason_page(admin_client, **ENGLISH)

    shown = labels(response)
    assert shown["why_it_matters_en"] == "Why it matters in the job [en]"
    assert shown["advice_zh_hans"] == "Advice [zh-hans]"
    assert shown["some_signs_from"] == "“may wear on you” from"
    assert shown["strong_signs_from"] == "“likely to wear on you” from"
    assert help_text(response, "why_it_matters_zh_hans") == (
        "What this reason means in an ML engineer's day-to-day work."
    )
    assert options(response, "questions-0-direction") == [
        "Agreeing signals ML engineering may not fit",
        "Agreeing signals ML engineering fits (reverse-keyed)",
    ]
    assert "为什么在工作中很重要" not in page_text(response)


def test_a_chinese_admin_sees_reasons_and_statements_named_without_an_english_plural(
    admin_client, questionnaire
):
    """Django's default plural adds "s"; in Chinese that would read "原因s"."""
    index = page_text(admin_client.get(reverse("admin:index"), **CHINESE))
    reason = page_text(reason_page(admin_client, **CHINESE))

    assert '<a href="/admin/assessments/reasoncategory/">原因</a>' in index
    assert '<a href="/admin/assessments/question/">说法</a>' in index
    assert re.search(r'<h2 id="questions-heading" class="inline-heading">\s*说法\s*</h2>', reason)
    for text in (index, reason):
        assert "原因s" not in text and "说法s" not in text


def test_a_chinese_admin_is_told_in_chinese_why_thresholds_out_of_order_are_refused(
    admin_client, questionnaire
):
    reason = ReasonCategory.objects.get(key="perseverance")
    url = admin_url("reasoncategory", "change", reason.pk)
    data = form_data(admin_client.get(url, **CHINESE), "reasoncategory_form")
    data["some_signs_from"], data["strong_signs_from"] = ["70"], ["40"]

    response = admin_client.post(url, {**data, "_save": "保存"}, **CHINESE)

    assert response.status_code == 200
    assert (
        "“可能会让你心累”起始分必须低于“很可能会让你心累”起始分，且都在 1-100 之间。"
        in page_text(response)
    )
    reason.refresh_from_db()
    assert (reason.some_signs_from, reason.strong_signs_from) == (25, 60)


def test_a_chinese_admin_reads_a_submissions_scores_in_chinese(
    admin_client, varied_submission: Submission
):
    response = admin_client.get(admin_url("submission", "change", varied_submission.pk), **CHINESE)

    text = page_text(response)
    assert "<th>原因</th><th>分数</th><th>程度</th>" in text
    with translation.override("zh-hans"):
        rows = [
            f"<tr><td>{reason.title}</td><td>{reason.signed_score}</td>"
            f"<td>{reason.band_label}</td></tr>"
            for reason in varied_submission.result().reasons
        ]
    assert rows[0] == "<tr><td>不断学习</td><td>+44</td><td>可能会让你心累</td></tr>"
    assert all(row in text for row in rows)


def test_a_chinese_admin_reads_a_submissions_statements_and_answers_in_chinese(
    admin_client, completed_submission: Submission
):
    response = admin_client.get(
        admin_url("submission", "change", completed_submission.pk), **CHINESE
    )

    text = page_text(response)
    for statement in completed_submission.frozen.statements:
        assert f"<td>{statement.text['zh-hans']}</td><td>同意</td>" in text
        assert statement.text["en"] not in text
