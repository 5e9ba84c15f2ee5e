"""Read and write the questionnaire data file (JSON, "format": 1).

The file is the source of the default questionnaire, and the export of a
questionnaire an admin has edited, so both directions use one format.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Question, Questionnaire, ReasonCategory

FORMAT = 1
QUESTIONNAIRE_FIELDS = ("slug", "title", "intro", "published")
REASON_FIELDS = (
    "key",
    "order",
    "title",
    "summary",
    "why_it_matters",
    "advice",
    "some_signs_from",
    "strong_signs_from",
)
STATEMENT_FIELDS = ("key", "order", "text", "direction", "weight", "active", "help_text")


class ContentError(ValueError):
    """The data file does not describe a valid questionnaire."""


def export_document(questionnaire: Questionnaire) -> dict[str, Any]:
    """Return the questionnaire, its reasons and all its statements as a document."""
    reasons = questionnaire.reasons.prefetch_related("questions").order_by("order", "pk")
    return {
        "format": FORMAT,
        "questionnaire": {
            **{field: getattr(questionnaire, field) for field in QUESTIONNAIRE_FIELDS},
            "reasons": [
                {
                    **{field: getattr(reason, field) for field in REASON_FIELDS},
                    "statements": [
                        {
                            "key": question.key,
                            "order": question.order,
                            "text": question.statement,
                            "direction": question.direction,
                            "weight": question.weight,
                            "active": question.active,
                            "help_text": question.help_text,
                        }
                        for question in reason.questions.all()
                    ],
                }
                for reason in reasons
            ],
        },
    }


def _require(mapping: Any, fields: tuple[str, ...], where: str) -> None:
    if not isinstance(mapping, dict):
        raise ContentError(f"{where}: expected an object.")
    missing = [field for field in fields if field not in mapping]
    if missing:
        raise ContentError(f"{where}: missing {', '.join(missing)}.")


def _validated(instance, where: str, exclude: list[str] | None = None):
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        raise ContentError(f"{where}: {'; '.join(error.messages)}") from error
    return instance


def import_document(document: Any, *, update: bool = False) -> tuple[Questionnaire, bool]:
    """Load a document; return (questionnaire, whether anything was written).

    A questionnaire whose slug already exists is left alone unless `update`
    is true, so that loading on every start never overwrites admin edits.
    With `update` the database ends up matching the file exactly: reasons
    and statements are matched by key, and those missing from the file are
    deleted (their answers keep their snapshots).
    """
    _require(document, ("format", "questionnaire"), "file")
    if document["format"] != FORMAT:
        raise ContentError(f"file: format {document['format']!r} is not supported (expected 1).")
    data = document["questionnaire"]
    _require(data, (*QUESTIONNAIRE_FIELDS, "reasons"), "questionnaire")
    if not isinstance(data["reasons"], list) or not data["reasons"]:
        raise ContentError("questionnaire: reasons must be a non-empty list.")

    existing = Questionnaire.objects.filter(slug=data["slug"]).first()
    with transaction.atomic():
        questionnaire = _write(existing, data)
        if existing is not None and not update:
            # The whole file is still checked, so a broken file never passes
            # unnoticed; then nothing it wrote is kept.
            transaction.set_rollback(True)
    if existing is not None and not update:
        return Questionnaire.objects.get(pk=existing.pk), False
    return questionnaire, True


def _write(existing: Questionnaire | None, data: dict) -> Questionnaire:
    questionnaire = existing or Questionnaire(slug=data["slug"])
    for field in QUESTIONNAIRE_FIELDS:
        setattr(questionnaire, field, data[field])
    _validated(questionnaire, "questionnaire", exclude=["slug"] if existing else None)
    questionnaire.save()

    reason_keys = []
    for index, reason_data in enumerate(data["reasons"], start=1):
        where = f"reason {index}"
        _require(reason_data, (*REASON_FIELDS, "statements"), where)
        reason_keys.append(reason_data["key"])
        _import_reason(questionnaire, reason_data, where)
    if len(set(reason_keys)) != len(reason_keys):
        raise ContentError("questionnaire: reason keys must be unique.")
    questionnaire.reasons.exclude(key__in=reason_keys).delete()
    return questionnaire


def _import_reason(questionnaire: Questionnaire, data: dict, where: str) -> None:
    reason = questionnaire.reasons.filter(key=data["key"]).first() or ReasonCategory(
        questionnaire=questionnaire
    )
    for field in REASON_FIELDS:
        setattr(reason, field, data[field])
    _validated(reason, where)
    reason.save()

    statements = data["statements"]
    if not isinstance(statements, list) or not statements:
        raise ContentError(f"{where}: statements must be a non-empty list.")
    keys = []
    for index, statement in enumerate(statements, start=1):
        statement_where = f"{where}, statement {index}"
        _require(statement, STATEMENT_FIELDS, statement_where)
        keys.append(statement["key"])
        question = reason.questions.filter(key=statement["key"]).first() or Question(
            category=reason
        )
        question.key = statement["key"]
        question.order = statement["order"]
        question.statement = statement["text"]
        question.direction = statement["direction"]
        question.weight = statement["weight"]
        question.active = statement["active"]
        question.help_text = statement["help_text"]
        _validated(question, statement_where)
        question.save()
    if len(set(keys)) != len(keys):
        raise ContentError(f"{where}: statement keys must be unique.")
    reason.questions.exclude(key__in=keys).delete()
