"""The load_questionnaire and export_questionnaire management commands."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.datafile import export_document
from assessments.models import (
    Question,
    Questionnaire,
    ReasonCategory,
    ReasonScoreCount,
    Revision,
    Submission,
    owner_key_for,
)

from .conftest import CONTENT_FILE

SLUG = "ml-engineering-fit"


def load(*args, **options) -> str:
    out = StringIO()
    call_command("load_questionnaire", *[str(arg) for arg in args], stdout=out, **options)
    return out.getvalue()


def export(slug: str = SLUG, **options) -> str:
    out = StringIO()
    call_command("export_questionnaire", slug, stdout=out, **options)
    return out.getvalue()


def default_document() -> dict:
    return json.loads(CONTENT_FILE.read_text(encoding="utf-8"))


def write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def counts() -> dict[str, int]:
    return {
        "questionnaires": Questionnaire.objects.count(),
        "reasons": ReasonCategory.objects.count(),
        "statements": Question.objects.count(),
        "revisions": Revision.objects.count(),
    }


def revision_numbers(slug: str = SLUG) -> list[int]:
    return list(
        Revision.objects.filter(questionnaire__slug=slug)
        .order_by("number")
        .values_list("number", flat=True)
    )


def statement(key: str) -> Question:
    return Question.objects.get(category__questionnaire__slug=SLUG, key=key)


# -- Loading the default questionnaire --------------------------------------------


def test_loading_the_default_file_creates_five_reasons_and_thirty_statements(db):
    output = load()

    questionnaire = Questionnaire.objects.get(slug=SLUG)
    assert questionnaire.title == "Is machine-learning engineering for you?"
    assert questionnaire.reasons.count() == 5
    assert Question.objects.filter(category__questionnaire=questionnaire).count() == 30
    assert "Loaded “Is machine-learning engineering for you?” (ml-engineering-fit)" in output
    assert "5 reasons" in output


def test_loading_the_default_file_publishes_it_as_revision_1(db):
    load()

    revision = Revision.objects.get()
    assert (revision.questionnaire.slug, revision.number, revision.published_by) == (SLUG, 1, "")
    assert revision.frozen.statement_count == 30
    assert [str(reason.title) for reason in revision.frozen.reasons] == [
        "Constant learning",
        "Perseverance",
        "Change and rework",
        "Stakeholder management",
        "Little ML",
    ]


def test_loading_twice_writes_nothing_new_and_says_so(db):
    load()
    updated_at = Questionnaire.objects.get(slug=SLUG).updated_at
    before = counts()

    output = load()

    assert counts() == before
    assert Questionnaire.objects.get(slug=SLUG).updated_at == updated_at
    assert "already loaded; left as it is" in output
    assert "--update" in output


def test_loading_again_keeps_an_admins_edits(questionnaire):
    edited = statement("postpone-learning-new-tool")
    edited.statement = "An admin reworded this statement."
    edited.weight = 5
    edited.save()
    ReasonCategory.objects.filter(key="perseverance").update(title="Sticking with it")

    load()

    edited.refresh_from_db()
    assert (edited.statement, edited.weight) == ("An admin reworded this statement.", 5)
    assert questionnaire.reasons.get(key="perseverance").title == "Sticking with it"


def test_loading_again_publishes_nothing_new(questionnaire):
    ReasonCategory.objects.filter(key="perseverance").update(title="Sticking with it")

    load()

    assert revision_numbers() == [1]
    assert str(questionnaire.latest_revision().frozen.reasons[1].title) == "Perseverance"


# -- --update -------------------------------------------------------------------------


def test_update_restores_an_edited_statement_from_the_file(questionnaire):
    edited = statement("postpone-learning-new-tool")
    original = (edited.statement, edited.direction, edited.weight)
    edited.statement = "An admin reworded this statement."
    edited.direction = "reverse"
    edited.weight = 5
    edited.save()

    output = load(update=True)

    edited.refresh_from_db()
    assert (edited.statement, edited.direction, edited.weight) == original
    assert "Loaded" in output


def test_update_removes_a_statement_an_admin_added(questionnaire):
    reason = questionnaire.reasons.get(key="little-ml")
    Question.objects.create(category=reason, order=7, statement="Added in the admin.")

    load(update=True)

    assert not Question.objects.filter(statement="Added in the admin.").exists()
    assert Question.objects.filter(category__questionnaire=questionnaire).count() == 30


def test_update_keeps_the_answers_to_a_statement_it_removes(questionnaire):
    reason = questionnaire.reasons.get(key="little-ml")
    added = Question.objects.create(category=reason, order=7, statement="Added in the admin.")
    revision = questionnaire.publish(allow_missing_texts=True)
    submission = Submission.objects.create(
        revision=revision, owner_key=owner_key_for("token"), answers="0" * 31
    )
    little_ml = revision.frozen.reasons[4]
    submission.save_step({statement.position: 4 for statement in little_ml.statements})

    load(update=True)

    submission.refresh_from_db()
    assert submission.revision == revision
    values = submission.answer_values()
    answered = {
        str(statement.text): values[statement.position]
        for statement in submission.frozen.statements
        if values[statement.position]
    }
    assert len(answered) == 7
    assert answered["Added in the admin."] == 4
    assert added.pk not in Question.objects.values_list("pk", flat=True)
    assert revision_numbers() == [1, 2, 3]


def test_update_with_a_changed_file_publishes_revision_2(questionnaire, tmp_path):
    document = default_document()
    document["questionnaire"]["reasons"][1]["title"]["en"] = "Staying power"
    path = write(tmp_path / "changed.json", document)

    load(path, update=True)

    assert revision_numbers() == [1, 2]
    latest = questionnaire.latest_revision()
    assert str(latest.frozen.reasons[1].title) == "Staying power"


def test_update_with_the_same_file_publishes_nothing(questionnaire):
    load(update=True)

    assert revision_numbers() == [1]


def test_update_undoing_unpublished_edits_publishes_nothing(questionnaire):
    Question.objects.filter(key="skip-the-maths").update(statement="Changed.", weight=5)

    load(update=True)

    assert revision_numbers() == [1]
    assert statement("skip-the-maths").weight == 2


def test_update_makes_the_database_match_the_file(questionnaire):
    expected = export_document(questionnaire)
    Question.objects.filter(key="skip-the-maths").update(active=False, order=40)
    ReasonCategory.objects.filter(key="little-ml").update(some_signs_from=10)
    questionnaire.reasons.get(key="perseverance").delete()

    load(update=True)

    assert export_document(Questionnaire.objects.get(slug=SLUG)) == expected


# -- Bad files ----------------------------------------------------------------------------


def test_a_missing_file_is_an_error_naming_the_file(questionnaire, tmp_path):
    missing = tmp_path / "nowhere.json"
    before = counts()

    with pytest.raises(CommandError) as error:
        load(missing)

    assert str(error.value) == f"Cannot read {missing}: No such file or directory."
    assert counts() == before


def test_a_file_that_is_not_json_is_an_error_saying_so(questionnaire, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": 1, "questionnaire": {', encoding="utf-8")
    before = counts()

    with pytest.raises(CommandError) as error:
        load(broken)

    assert str(error.value).startswith(f"{broken} is not valid JSON: ")
    assert "line 1" in str(error.value)
    assert counts() == before


def broken_copy(slug: str = "other-questionnaire") -> dict:
    """Return the default document under another slug, ready to be broken."""
    document = copy.deepcopy(default_document())
    document["questionnaire"]["slug"] = slug
    return document


def break_format(document: dict) -> None:
    document["format"] = 3


def break_language(document: dict) -> None:
    document["questionnaire"]["reasons"][0]["title"]["fr"] = "Apprendre sans cesse"


def break_missing_english(document: dict) -> None:
    document["questionnaire"]["reasons"][1]["statements"][0]["text"]["en"] = ""


def break_statement_field(document: dict) -> None:
    del document["questionnaire"]["reasons"][2]["statements"][1]["weight"]


def break_thresholds(document: dict) -> None:
    reason = document["questionnaire"]["reasons"][1]
    reason["some_signs_from"], reason["strong_signs_from"] = 70, 40


def break_statement_keys(document: dict) -> None:
    statements = document["questionnaire"]["reasons"][3]["statements"]
    statements[4]["key"] = statements[0]["key"]


def break_direction(document: dict) -> None:
    document["questionnaire"]["reasons"][4]["statements"][5]["direction"] = "sideways"


BROKEN_FILES = [
    pytest.param(break_format, "file: format 3 is not supported (expected 1 or 2).", id="format"),
    pytest.param(
        break_language,
        "reason 1: title has unknown language fr (known: en, zh-hans).",
        id="language",
    ),
    pytest.param(break_missing_english, "reason 2, statement 1: ", id="english"),
    pytest.param(break_statement_field, "reason 3, statement 2: missing weight.", id="field"),
    pytest.param(
        break_thresholds,
        "reason 2: “May wear on you” must start below “likely to wear on you”, within 1-100.",
        id="thresholds",
    ),
    pytest.param(break_statement_keys, "reason 4: statement keys must be unique.", id="keys"),
    pytest.param(break_direction, "reason 5, statement 6: ", id="direction"),
]


@pytest.mark.parametrize(("breaks", "message"), BROKEN_FILES)
def test_a_broken_new_questionnaire_is_refused_with_a_message_and_nothing_written(
    questionnaire, tmp_path, breaks, message
):
    document = broken_copy()
    breaks(document)
    path = write(tmp_path / "broken.json", document)
    before = counts()

    with pytest.raises(CommandError) as error:
        load(path)

    assert str(error.value).startswith(f"{path}: {message}")
    assert counts() == before
    assert not Questionnaire.objects.filter(slug="other-questionnaire").exists()


@pytest.mark.parametrize(("breaks", "message"), BROKEN_FILES)
def test_a_broken_update_is_refused_and_leaves_the_questionnaire_as_it_was(
    questionnaire, tmp_path, breaks, message
):
    document = broken_copy(slug=SLUG)
    # Changes before the broken part would be written first if the load were not atomic.
    document["questionnaire"]["title"] = "Changed title"
    document["questionnaire"]["reasons"][0]["statements"][0]["text"] = "Changed statement."
    breaks(document)
    path = write(tmp_path / "broken.json", document)
    before = export_document(questionnaire)

    with pytest.raises(CommandError) as error:
        load(path, update=True)

    assert str(error.value).startswith(f"{path}: {message}")
    assert export_document(Questionnaire.objects.get(slug=SLUG)) == before
    assert revision_numbers() == [1]


@pytest.mark.parametrize(("breaks", "message"), BROKEN_FILES)
def test_a_broken_file_for_a_loaded_questionnaire_is_refused_even_without_update(
    questionnaire, tmp_path, breaks, message
):
    document = broken_copy(slug=SLUG)
    breaks(document)
    path = write(tmp_path / "broken.json", document)
    before = export_document(questionnaire)

    with pytest.raises(CommandError) as error:
        load(path)

    assert str(error.value).startswith(f"{path}: {message}")
    assert export_document(Questionnaire.objects.get(slug=SLUG)) == before
    assert revision_numbers() == [1]


def test_the_direction_error_names_the_bad_value(questionnaire, tmp_path):
    document = broken_copy()
    break_direction(document)
    path = write(tmp_path / "broken.json", document)

    with pytest.raises(CommandError) as error:
        load(path)

    assert "'sideways' is not a valid choice" in str(error.value)


# -- Export -----------------------------------------------------------------------------


def test_exporting_the_untouched_default_gives_the_data_file_byte_for_byte(questionnaire):
    assert export().encode("utf-8") == CONTENT_FILE.read_bytes()


def test_exporting_to_a_file_writes_the_same_text_and_says_where(questionnaire, tmp_path):
    target = tmp_path / "export.json"

    output = export(output=str(target))

    assert target.read_bytes() == CONTENT_FILE.read_bytes()
    assert f"Wrote {target}." in output


def test_an_exported_questionnaire_with_admin_edits_loads_back_into_an_empty_database(
    questionnaire, tmp_path
):
    statement("postpone-learning-new-tool").delete()
    reason = questionnaire.reasons.get(key="perseverance")
    Question.objects.create(
        category=reason, order=9, statement="Added “by hand”.", direction="reverse", weight=3
    )
    ReasonCategory.objects.filter(pk=reason.pk).update(title="Sticking with it")
    exported = export()
    questionnaire.delete()
    assert counts()["questionnaires"] == 0

    load(write(tmp_path / "export.json", json.loads(exported)))

    assert export() == exported
    assert Question.objects.get(statement="Added “by hand”.").weight == 3


def test_updating_from_an_export_undoes_later_changes(questionnaire, tmp_path):
    path = tmp_path / "export.json"
    export(output=str(path))
    statement("read-docs-unprompted").delete()
    Question.objects.filter(key="skip-the-maths").update(statement="Changed.", weight=5)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(title="Changed", published=False)
    ReasonCategory.objects.filter(key="little-ml").update(order=0)

    load(path, update=True)

    assert export() == path.read_text(encoding="utf-8")


def test_exporting_an_unknown_slug_names_the_known_slugs(questionnaire, small_questionnaire):
    with pytest.raises(CommandError) as error:
        export("no-such-thing")

    assert str(error.value) == (
        "No questionnaire with slug “no-such-thing”. Known: ml-engineering-fit, small."
    )


def test_generated_submissions_carry_step_times_and_the_flags_the_quality_check_gives(
    questionnaire,
):
    call_command("generate_submissions", count=300, seed=3, stdout=StringIO())

    generated = list(Submission.objects.all())
    assert len(generated) == 300
    flags = set()
    for submission in generated:
        assert len(submission.step_times) == 5
        assert submission.completed_at > submission.started_at
        assert submission.quality_flags == ",".join(submission.quality().flags)
        flags.update(code for code in submission.quality_flags.split(",") if code)
    # Speeders, straight lines, contradictions and fence-sitters all turn up, as in real samples.
    assert flags == {"speeding", "straight-line", "contradictions", "mostly-neutral"}


def test_generated_unfinished_submissions_left_at_a_step_they_were_shown_and_count_in_no_norm(
    questionnaire,
):
    call_command("generate_submissions", count=400, seed=5, unfinished=0.5, stdout=StringIO())

    left = list(Submission.objects.filter(completed_at__isnull=True))
    completed_unflagged = Submission.objects.filter(completed_at__isnull=False, quality_flags="")
    assert 120 < len(left) < 280
    steps_left_at = []
    for submission in left:
        *answered, last = submission.step_times
        assert last[0] is not None and last[1] is None  # shown, never answered
        assert all(shown is not None and done is not None for shown, done in answered)
        values = submission.answer_values()
        reasons = submission.frozen.reasons
        given = sum(len(reason.statements) for reason in reasons[: len(answered)])
        assert all(values[:given]) and not any(values[given:])
        assert submission.quality_flags == ""
        steps_left_at.append(len(submission.step_times))
    # Most leave early, and someone leaves at every step.
    assert set(steps_left_at) == {1, 2, 3, 4, 5}
    assert steps_left_at.count(1) > steps_left_at.count(5)
    counted = ReasonScoreCount.objects.filter(reason_key=reasons[0].key)
    assert sum(row.people for row in counted) == completed_unflagged.count()


def test_generating_refuses_a_share_of_unfinished_outside_0_to_1(questionnaire):
    with pytest.raises(CommandError) as error:
        call_command("generate_submissions", count=3, unfinished=1.5, stdout=StringIO())

    assert str(error.value) == "--unfinished must be from 0 to 1."
    assert not Submission.objects.exists()
