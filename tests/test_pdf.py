"""The results as a PDF, read back with pypdf: its words, in English and in Chinese."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from django.utils import translation
from pypdf import PdfReader

from assessments import chart, pdf
from assessments.scoring import SCALE_LABELS, AnswerInput, ReasonInput, score_submission

CONTENT = Path(__file__).resolve().parent.parent / "assessments" / "content"
LINK = "https://mlfit.example.org/results/6f1c9a52-3d0e-4b7a-9c55-0e2b8d41a7f3/"
# How each reason is answered: agreeing with its forward-keyed statements
# (value for forward, value for reverse-keyed ones).
ANSWERS = {
    "constant-learning": (4, 2),  # may wear on you
    "perseverance": (2, 4),  # fits you
    "change-and-rework": (5, 1),  # likely to wear on you
    "stakeholder-management": (5, 5),  # both ways: not enough to tell
    "little-ml": (3, 3),  # no clear lean
}


def report(language: str = "en", **changes) -> pdf.Report:
    """A report of the real questionnaire's texts, as the results view fills it."""
    document = json.loads((CONTENT / "ml_engineering_fit.json").read_text(encoding="utf-8"))
    questionnaire = document["questionnaire"]

    def text(texts: dict) -> str:
        return texts.get(language) or texts["en"]

    with translation.override(language):
        result = score_submission(
            ReasonInput(
                key=reason["key"],
                title=text(reason["title"]),
                order=reason["order"],
                answers=[
                    AnswerInput(
                        statement=text(statement["text"]),
                        value=ANSWERS[reason["key"]][statement["direction"] == "reverse"],
                        direction=statement["direction"],
                        weight=statement["weight"],
                        order=statement["order"],
                    )
                    for statement in reason["statements"]
                ],
                ref=reason,
            )
            for reason in questionnaire["reasons"]
        )
        reasons = []
        for scored in result.ranked:
            evidence = []
            if scored.signals:
                evidence.append(("Answers that say it may wear on you", quoted(scored.signals)))
            if scored.strengths:
                evidence.append(("Answers that say it fits you", quoted(scored.strengths)))
            reasons.append(
                pdf.ReasonSection(
                    title=scored.title,
                    band_label=str(scored.band_label),
                    summary=text(scored.ref["summary"]),
                    evidence=evidence,
                    why_it_matters=text(scored.ref["why_it_matters"]),
                    advice=text(scored.ref["advice"]),
                )
            )
        made = pdf.Report(
            language=language,
            site_name="mlfit",
            title=text(questionnaire["title"]),
            completed_on="27 November 2026",
            headline="Several everyday parts of the job may wear on you: Change and rework, "
            "then Constant learning."
            if language == "en"
            else "这份工作里有几个日常部分可能会让你心累：变化与返工，其次是不断学习。",
            quality_notes=["Your answers on Stakeholder management point both ways."],
            rows=chart.rows(result),
            reasons=reasons,
            roles=[
                (text(role["title"]), text(role["summary"]))
                for role in questionnaire.get("roles", [])[1:4]
            ]
            or [("Data engineer", "Builds and runs the pipelines that move data.")],
            roles_rule="Roles are suggested by how much of each part of the job they ask.",
            experiments=[
                text(reason.get("experiment") or reason["advice"])
                for reason in questionnaire["reasons"][:3]
            ],
            link=LINK,
            credit="Based on the article “Why ML engineers quit”.",
        )
    return replace(made, **changes)


def quoted(signals) -> list[tuple[str, str]]:
    return [(signal.statement, str(SCALE_LABELS[signal.value])) for signal in signals]


def read(document: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(document))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def words(text: str, joiner: str = " ") -> str:
    """Return the text with its line breaks and spacing undone: "".join for Chinese."""
    return joiner.join(text.split())


@pytest.fixture
def english() -> pdf.Report:
    return report("en")


def test_the_pdf_holds_the_answer_the_reasons_the_quoted_statements_and_what_to_try(english):
    reader, text = read(pdf.results_pdf(english))

    flowing = words(text)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4
    assert words(english.headline) in flowing
    assert words(english.title) in flowing
    for section in english.reasons:
        assert section.title in flowing
        assert words(section.why_it_matters) in flowing
        for _heading, quotes in section.evidence:
            for statement, answer in quotes:
                assert f"“{words(statement)}”" in flowing
                assert answer in flowing
    for title, why in english.roles:
        assert title in flowing and words(why) in flowing
    for experiment in english.experiments:
        assert words(experiment) in flowing
    assert LINK in text.replace(" ", "").replace("\n", "")
    assert english.quality_notes[0] in flowing


def test_the_chart_at_the_top_says_each_band_in_words(english):
    reader, _text = read(pdf.results_pdf(english))

    first = words(reader.pages[0].extract_text())
    for label in ("← Fits you", "May wear on you →", "Likely to wear on you", "Not enough to tell"):
        assert label in first
    for score in ("+100", "+50", "\u221250"):
        assert score in first


def test_the_real_questionnaire_fits_in_four_a4_pages_numbered_in_the_footer(english):
    reader, text = read(pdf.results_pdf(english))

    assert 2 <= len(reader.pages) <= 4
    last = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"{number} / {last}" in page.extract_text()


def test_the_pdf_in_chinese_has_chinese_text_that_can_be_copied_out():
    chinese = report("zh-hans")

    reader, text = read(pdf.results_pdf(chinese))

    flowing = words(text, "")
    assert words(chinese.headline, "") in flowing
    for section in chinese.reasons:
        assert words(section.title, "") in flowing
        assert words(section.advice, "") in flowing
        for _heading, quotes in section.evidence:
            for statement, _answer in quotes:
                assert words(statement, "") in flowing
    for experiment in chinese.experiments:
        assert words(experiment, "") in flowing
    assert "适合你" in flowing and "很可能会让你心累" in flowing
    assert len(reader.pages) <= 4
    assert reader.trailer["/Root"]["/Lang"] == "zh-hans"


def test_chinese_lines_never_start_with_closing_punctuation():
    chinese = report("zh-hans")

    _reader, text = read(pdf.results_pdf(chinese))

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert len(lines) > 50
    assert not [line for line in lines if line[0] in "，。、；：！？）”"]


def test_no_roles_no_experiments_and_no_quality_notes_leave_their_sections_out(english):
    bare = replace(english, roles=[], roles_rule="", experiments=[], quality_notes=[], credit="")

    reader, text = read(pdf.results_pdf(bare))

    flowing = words(text)
    assert "Roles to look at" not in flowing and "What to try next" not in flowing
    assert english.headline in flowing and english.reasons[0].title in flowing
    assert "Roles to look at" in words(read(pdf.results_pdf(english))[1])


def test_a_character_the_font_lacks_or_a_word_longer_than_a_line_does_not_stop_the_pdf(english):
    odd = replace(
        english,
        headline="Party 🎉 time ঋ, and " + "x" * 400,
        roles=[("A role", "https://example.org/" + "a-very-long-path/" * 30)],
    )

    _reader, text = read(pdf.results_pdf(odd))

    assert "Party" in text and "x" * 40 in words(text, "")


def test_a_report_with_only_the_headline_is_still_a_document():
    minimal = pdf.Report(
        language="en", site_name="mlfit", title="Title", completed_on="", headline="Headline."
    )

    reader, text = read(pdf.results_pdf(minimal))

    assert len(reader.pages) == 1 and "Headline." in text
