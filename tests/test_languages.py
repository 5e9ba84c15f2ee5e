"""The questionnaire's content in English and Simplified Chinese."""

from __future__ import annotations

import csv
import json
import re
from io import StringIO

from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.models import Question, Questionnaire, ReasonCategory, Submission

from .conftest import (
    CONTENT_FILE,
    answer_step,
    complete,
    leaning,
    start,
    statements_of,
    step_data,
    step_url,
)
from .test_views import text

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}


def chinese_browser() -> Client:
    return Client(**CHINESE)


def test_a_chinese_browser_gets_the_questionnaire_in_chinese(questionnaire):
    browser = chinese_browser()
    page = text(browser.get(reverse("assessments:landing")))
    assert "机器学习工程师适合你吗？" in page
    for key, title in [("perseverance", "毅力"), ("stakeholder-management", "利益相关者管理")]:
        assert title in page
        assert ReasonCategory.objects.get(key=key).title_en not in page


def test_a_step_in_chinese_shows_every_statement_in_chinese(questionnaire):
    browser = chinese_browser()
    submission = start(browser)
    page = text(browser.get(step_url(submission, 1)))
    for statement in statements_of(submission, 1):
        assert statement.text["zh-hans"] in page
        assert statement.text["en"] not in page


def test_a_submission_records_the_language_it_was_taken_in(questionnaire):
    submission = start(chinese_browser())
    assert submission.language == "zh-hans"
    assert start(Client(**ENGLISH)).language == "en"


def test_switching_language_mid_step_keeps_every_answer_and_stays_on_the_step(questionnaire):
    browser = chinese_browser()
    submission = start(browser)
    answer_step(browser, submission, 1, 2)
    statements = statements_of(submission, 2)
    partial = {f"q{s.position}": "4" for s in statements[:3]}

    response = browser.post(step_url(submission, 2), {**partial, "language": "en"})

    assert response["Location"] == step_url(submission, 2)
    assert browser.cookies["django_language"].value == "en"
    page = browser.get(step_url(submission, 2))
    html = page.content.decode()
    assert statements[0].text["en"] in text(page)
    for statement in statements[:3]:
        assert re.search(rf'name="q{statement.position}" value="4"[^>]*checked', html)
    submission.refresh_from_db()
    assert submission.answers == "2" * 6 + "444" + "0" * 21
    assert submission.language == "en"


def test_an_unknown_language_is_ignored_and_nothing_is_lost(questionnaire):
    browser = chinese_browser()
    submission = start(browser)
    response = browser.post(step_url(submission, 1), step_data(submission, 1, 3, language="xx"))
    assert response.status_code == 302
    assert "django_language" not in browser.cookies
    submission.refresh_from_db()
    assert submission.answers == "3" * 6 + "0" * 24
    assert submission.language == "zh-hans"


def test_results_taken_in_chinese_read_in_either_language(questionnaire):
    browser = chinese_browser()
    submission = start(browser)
    complete(browser, submission, leaning(submission, {"perseverance": 2}))

    chinese = text(browser.get(submission.get_absolute_url()))
    english = text(Client(**ENGLISH).get(submission.get_absolute_url()))

    assert "毅力 很可能会让你心累 · +100" in chinese
    strongest = ReasonCategory.objects.get(key="perseverance").questions.get(
        weight=2, direction="forward"
    )
    assert strongest.statement_zh_hans in chinese
    assert "Perseverance Likely to wear on you · +100" in english
    assert strongest.statement_en in english


def test_old_results_stay_the_same_in_both_languages_after_the_chinese_is_edited(questionnaire):
    browser = chinese_browser()
    submission = start(browser)
    complete(browser, submission, leaning(submission, {"perseverance": 2}))
    url = submission.get_absolute_url()
    before = {
        lang: text(Client(**headers).get(url))
        for lang, headers in [("zh", CHINESE), ("en", ENGLISH)]
    }

    Question.objects.update(statement_zh_hans="改过的陈述。", statement_en="An edited statement.")
    ReasonCategory.objects.update(
        title_zh_hans="改过的标题", advice_zh_hans="新的建议。", strong_signs_from=100
    )
    Questionnaire.objects.update(title_zh_hans="改过的问卷", title_en="An edited questionnaire")
    questionnaire.publish()
    cache.clear()  # read it afresh, not from the results cache

    after = {
        lang: text(Client(**headers).get(url))
        for lang, headers in [("zh", CHINESE), ("en", ENGLISH)]
    }
    assert after == before


def test_an_empty_chinese_text_falls_back_to_english(questionnaire):
    question = Question.objects.order_by("category__order", "order").first()
    question.statement_zh_hans = ""
    question.save()
    # The admin refuses this now; a data file or an older revision may still hold it.
    questionnaire.publish(allow_missing_texts=True)
    browser = chinese_browser()
    submission = start(browser)
    assert question.statement_en in text(browser.get(step_url(submission, 1)))


def test_the_export_carries_both_languages(questionnaire):
    out = StringIO()
    call_command("export_questionnaire", "ml-engineering-fit", stdout=out)
    document = json.loads(out.getvalue())
    reason = document["questionnaire"]["reasons"][1]
    assert reason["title"] == {"en": "Perseverance", "zh-hans": "毅力"}
    assert set(reason["statements"][0]["text"]) == {"en", "zh-hans"}
    assert document["questionnaire"]["title"] == {
        "en": "Is machine-learning engineering for you?",
        "zh-hans": "机器学习工程师适合你吗？",
    }
    # The band words are the product's own, in its translations: not part of the content.
    assert "band_some" not in document["questionnaire"]


def test_an_english_only_file_of_the_first_format_still_loads(db, tmp_path):
    document = {
        "format": 1,
        "questionnaire": {
            "slug": "old",
            "title": "Old file",
            "intro": "",
            "published": True,
            "reasons": [
                {
                    "key": "only",
                    "order": 1,
                    "title": "Only reason",
                    "summary": "One line.",
                    "why_it_matters": "Why.",
                    "advice": "Advice.",
                    "some_signs_from": 35,
                    "strong_signs_from": 65,
                    "statements": [
                        {
                            "key": "only-statement",
                            "order": 1,
                            "text": "An English statement.",
                            "direction": "forward",
                            "weight": 1,
                            "active": True,
                            "help_text": "",
                        }
                    ],
                }
            ],
        },
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    call_command("load_questionnaire", str(path), stdout=StringIO())
    question = Question.objects.get(key="only-statement")
    assert question.statement_en == "An English statement."
    assert not question.statement_zh_hans
    old = Questionnaire.objects.get(slug="old")
    assert (old.title_en, old.title_zh_hans) == ("Old file", None)
    reason = old.reasons.get()
    assert (reason.some_signs_from, reason.strong_signs_from) == (35, 65)


def test_a_file_with_the_band_words_of_earlier_versions_loads_and_ignores_them(db, tmp_path):
    document = json.loads(CONTENT_FILE.read_text(encoding="utf-8"))
    document["questionnaire"]["band_some"] = {"en": "Some signs", "zh-hans": "有一些迹象"}
    document["questionnaire"]["band_strong"] = {"en": "Very strong", "zh-hans": "非常明显"}
    path = tmp_path / "older.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    call_command("load_questionnaire", str(path), stdout=StringIO())

    revision = Questionnaire.objects.get(slug="ml-engineering-fit").latest_revision()
    assert revision.frozen.statement_count == 30
    assert not {"band_little", "band_some", "band_strong"} & set(revision.content["questionnaire"])
    out = StringIO()
    call_command("export_questionnaire", "ml-engineering-fit", stdout=out)
    assert "Very strong" not in out.getvalue()


def test_the_csv_export_names_each_submissions_language(admin_client, questionnaire):
    chinese = start(chinese_browser())
    english = start(Client(**ENGLISH))
    response = admin_client.post(
        reverse("admin:assessments_submission_changelist"),
        {"action": "export_csv", "_selected_action": [str(chinese.pk), str(english.pk)]},
    )
    header, *rows = csv.reader(StringIO(b"".join(response.streaming_content).decode()))
    assert header[5] == "language"
    assert {row[0]: row[5] for row in rows} == {str(chinese.pk): "zh-hans", str(english.pk): "en"}
    assert Submission.objects.count() == 2
