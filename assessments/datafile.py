"""Read and write the questionnaire data file (JSON, "format": 2).

The file is the source of the default questionnaire, and the export of a
questionnaire an admin has edited, so both directions use one format. Every
text is an object with one entry per language, e.g. {"en": "...",
"zh-hans": "..."}; English is required, another language may be left out or
empty, and then falls back to English. Format 1 files, with plain English
strings, still load, and so do files with the band words of earlier versions
("band_little", "band_some", "band_strong"): the bands are now the product's
own words, so those are ignored.

The neighbouring roles ("roles") and each reason's "experiment" came later in
format 2; a file without them loads with none. A role's "demands" say, for
each reason key, how much of that part of the job the role asks: 0 (little),
1 (some) or 2 (a lot).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext, gettext_lazy
from modeltranslation.utils import build_localized_fieldname

from .models import Demand, Question, Questionnaire, ReasonCategory, Role, RoleDemand

FORMAT = 2
READABLE_FORMATS = (1, 2)
LANGUAGES = [code for code, _ in settings.LANGUAGES]

# Field names in the file; those in *_TEXTS hold one entry per language.
QUESTIONNAIRE_FIELDS = ("slug", "published")
QUESTIONNAIRE_TEXTS = ("title", "intro")
REASON_FIELDS = ("key", "order", "some_signs_from", "strong_signs_from")
REASON_TEXTS = ("title", "summary", "why_it_matters", "advice")
# Texts a file may leave out: files written before they existed still load.
OPTIONAL_REASON_TEXTS = ("experiment",)
ROLE_FIELDS = ("key", "order")
ROLE_TEXTS = ("title", "summary")
STATEMENT_FIELDS = ("key", "order", "direction", "weight", "active")
# The file's "text" is the model's "statement".
STATEMENT_TEXTS = {"text": "statement", "help_text": "help_text"}


class ContentError(ValueError):
    """The data file does not describe a valid questionnaire."""


def export_document(questionnaire: Questionnaire) -> dict[str, Any]:
    """Return the questionnaire, its reasons, all their statements and its roles as a document."""
    reasons = questionnaire.reasons.prefetch_related("questions").order_by("order", "pk")
    roles = questionnaire.roles.prefetch_related(
        Prefetch("demands", queryset=RoleDemand.objects.select_related("reason"))
    ).order_by("order", "pk")
    return {
        "format": FORMAT,
        "questionnaire": {
            **{field: getattr(questionnaire, field) for field in QUESTIONNAIRE_FIELDS},
            **{field: _texts(questionnaire, field) for field in QUESTIONNAIRE_TEXTS},
            "reasons": [
                {
                    **{field: getattr(reason, field) for field in REASON_FIELDS},
                    **{
                        field: _texts(reason, field)
                        for field in (*REASON_TEXTS, *OPTIONAL_REASON_TEXTS)
                    },
                    "statements": [
                        {
                            **{field: getattr(question, field) for field in STATEMENT_FIELDS},
                            **{
                                name: _texts(question, field)
                                for name, field in STATEMENT_TEXTS.items()
                            },
                        }
                        for question in reason.questions.all()
                    ],
                }
                for reason in reasons
            ],
            "roles": [
                {
                    **{field: getattr(role, field) for field in ROLE_FIELDS},
                    **{field: _texts(role, field) for field in ROLE_TEXTS},
                    "demands": {demand.reason.key: demand.level for demand in role.demands.all()},
                }
                for role in roles
            ],
        },
    }


def revision_document(questionnaire: Questionnaire) -> dict[str, Any]:
    """Return what a published revision freezes: the working copy as respondents see it.

    The same format as the data file, without what does not reach respondents:
    the published switch, inactive statements, reasons left with none, and
    what roles ask of such reasons.
    """
    document = export_document(questionnaire)
    data = document["questionnaire"]
    del data["published"]
    reasons = []
    for reason in data["reasons"]:
        statements = [statement for statement in reason["statements"] if statement.pop("active")]
        if statements:
            reasons.append({**reason, "statements": statements})
    data["reasons"] = reasons
    asked = {reason["key"] for reason in reasons}
    for role in data["roles"]:
        role["demands"] = {key: level for key, level in role["demands"].items() if key in asked}
    return document


# What a revision shows respondents, checked before it is published: texts
# that must be written in every language, and optional ones that may be
# empty in all languages but, once written, must be written in each.
REQUIRED_TEXTS = {
    "questionnaire": ("title",),
    "reason": REASON_TEXTS,
    "statement": ("text",),
    "role": ROLE_TEXTS,
}
OPTIONAL_TEXTS = {
    "questionnaire": ("intro",),
    "reason": OPTIONAL_REASON_TEXTS,
    "statement": ("help_text",),
    "role": (),
}


def missing_texts(document: dict[str, Any]) -> list[str]:
    """Return a sentence for each text a revision document lacks in a language.

    Empty means empty after stripping spaces: Chinese respondents would
    otherwise read the English fallback in the middle of a Chinese page.
    Only what the document holds is checked, so an inactive statement may
    stay untranslated.
    """
    data = document["questionnaire"]
    problems = _missing_in(data, "questionnaire", gettext("The questionnaire"))
    for reason in data["reasons"]:
        reason_name = gettext("Reason “%(name)s”") % {"name": _name_of(reason, "title")}
        problems += _missing_in(reason, "reason", reason_name)
        for statement in reason["statements"]:
            where = gettext("%(reason)s, statement “%(name)s”") % {
                "reason": reason_name,
                "name": _name_of(statement, "text"),
            }
            problems += _missing_in(statement, "statement", where)
    for role in data.get("roles", []):
        where = gettext("Role “%(name)s”") % {"name": _name_of(role, "title")}
        problems += _missing_in(role, "role", where)
    return problems


def _missing_in(item: dict[str, Any], kind: str, where: str) -> list[str]:
    problems = []
    for name in (*REQUIRED_TEXTS[kind], *OPTIONAL_TEXTS[kind]):
        texts = {code: (item.get(name) or {}).get(code, "").strip() for code in LANGUAGES}
        if name in OPTIONAL_TEXTS[kind] and not any(texts.values()):
            continue
        for code, text in texts.items():
            if not text:
                problems.append(
                    gettext("%(where)s: “%(field)s” has no %(language)s text.")
                    % {
                        "where": where,
                        "field": _FIELD_LABELS[kind, name],
                        "language": _LANGUAGE_NAMES[code],
                    }
                )
    return problems


def _name_of(item: dict[str, Any], name: str, length: int = 60) -> str:
    """Return how a message names an item: its text in the first language that has one."""
    texts = item.get(name) or {}
    text = next((texts[code] for code in LANGUAGES if (texts.get(code) or "").strip()), "")
    text = " ".join(text.split()) or item.get("key", "?")
    return text if len(text) <= length else text[: length - 1] + "…"


_LANGUAGE_NAMES = {
    # English names, translated like the rest of the admin.
    "en": gettext_lazy("English"),
    "zh-hans": gettext_lazy("Simplified Chinese"),
}
_FIELD_LABELS = {
    ("questionnaire", "title"): Questionnaire._meta.get_field("title").verbose_name,
    ("questionnaire", "intro"): Questionnaire._meta.get_field("intro").verbose_name,
    **{
        ("reason", name): ReasonCategory._meta.get_field(name).verbose_name
        for name in (*REASON_TEXTS, *OPTIONAL_REASON_TEXTS)
    },
    ("statement", "text"): Question._meta.get_field("statement").verbose_name,
    ("statement", "help_text"): Question._meta.get_field("help_text").verbose_name,
    **{("role", name): Role._meta.get_field(name).verbose_name for name in ROLE_TEXTS},
}


def _texts(instance, field: str) -> dict[str, str]:
    """Return {language: text} for one translated field, "" where a language has none."""
    return {
        code: getattr(instance, build_localized_fieldname(field, code)) or "" for code in LANGUAGES
    }


def _set_texts(instance, field: str, value: Any, where: str) -> None:
    """Set every language of a translated field from the file's value."""
    if isinstance(value, str):  # format 1: English only
        value = {"en": value}
    if not isinstance(value, dict) or not all(isinstance(text, str) for text in value.values()):
        raise ContentError(f"{where}: {field} must be an object of texts by language.")
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise ContentError(
            f"{where}: {field} has unknown language {', '.join(unknown)} "
            f"(known: {', '.join(LANGUAGES)})."
        )
    for code in LANGUAGES:
        # English is the fallback, so it is never missing, only empty.
        empty = "" if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE else None
        setattr(instance, build_localized_fieldname(field, code), value.get(code) or empty)


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
    deleted; so are roles. Then the result is published as a revision.
    """
    _require(document, ("format", "questionnaire"), "file")
    if document["format"] not in READABLE_FORMATS:
        raise ContentError(
            f"file: format {document['format']!r} is not supported (expected 1 or 2)."
        )
    data = document["questionnaire"]
    _require(data, (*QUESTIONNAIRE_FIELDS, "title", "intro", "reasons"), "questionnaire")
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
    # What a file holds is meant to be answered: publish it (a no-op when the
    # latest revision already says the same).
    # The file's own languages are its author's business (English is the
    # fallback), so a file may leave a translation out.
    questionnaire.publish(allow_missing_texts=True)
    return questionnaire, True


def _write(existing: Questionnaire | None, data: dict) -> Questionnaire:
    questionnaire = existing or Questionnaire(slug=data["slug"])
    for field in QUESTIONNAIRE_FIELDS:
        setattr(questionnaire, field, data[field])
    for field in QUESTIONNAIRE_TEXTS:
        _set_texts(questionnaire, field, data[field], "questionnaire")
    _validated(questionnaire, "questionnaire", exclude=["slug"] if existing else None)
    questionnaire.save()

    reason_keys = []
    for index, reason_data in enumerate(data["reasons"], start=1):
        where = f"reason {index}"
        _require(reason_data, (*REASON_FIELDS, *REASON_TEXTS, "statements"), where)
        reason_keys.append(reason_data["key"])
        _import_reason(questionnaire, reason_data, where)
    if len(set(reason_keys)) != len(reason_keys):
        raise ContentError("questionnaire: reason keys must be unique.")
    questionnaire.reasons.exclude(key__in=reason_keys).delete()

    roles = data.get("roles", [])
    if not isinstance(roles, list):
        raise ContentError("questionnaire: roles must be a list.")
    reasons = {reason.key: reason for reason in questionnaire.reasons.all()}
    role_keys = []
    for index, role_data in enumerate(roles, start=1):
        where = f"role {index}"
        _require(role_data, (*ROLE_FIELDS, *ROLE_TEXTS, "demands"), where)
        role_keys.append(role_data["key"])
        _import_role(questionnaire, role_data, reasons, where)
    if len(set(role_keys)) != len(role_keys):
        raise ContentError("questionnaire: role keys must be unique.")
    questionnaire.roles.exclude(key__in=role_keys).delete()
    return questionnaire


def _import_reason(questionnaire: Questionnaire, data: dict, where: str) -> None:
    reason = questionnaire.reasons.filter(key=data["key"]).first() or ReasonCategory(
        questionnaire=questionnaire
    )
    for field in REASON_FIELDS:
        setattr(reason, field, data[field])
    for field in REASON_TEXTS:
        _set_texts(reason, field, data[field], where)
    for field in OPTIONAL_REASON_TEXTS:
        _set_texts(reason, field, data.get(field, {}), where)
    _validated(reason, where)
    reason.save()

    statements = data["statements"]
    if not isinstance(statements, list) or not statements:
        raise ContentError(f"{where}: statements must be a non-empty list.")
    keys = []
    for index, statement in enumerate(statements, start=1):
        statement_where = f"{where}, statement {index}"
        _require(statement, (*STATEMENT_FIELDS, *STATEMENT_TEXTS), statement_where)
        keys.append(statement["key"])
        question = reason.questions.filter(key=statement["key"]).first() or Question(
            category=reason
        )
        for field in STATEMENT_FIELDS:
            setattr(question, field, statement[field])
        for name, field in STATEMENT_TEXTS.items():
            _set_texts(question, field, statement[name], statement_where)
        _validated(question, statement_where)
        question.save()
    if len(set(keys)) != len(keys):
        raise ContentError(f"{where}: statement keys must be unique.")
    reason.questions.exclude(key__in=keys).delete()


def _import_role(
    questionnaire: Questionnaire, data: dict, reasons: dict[str, ReasonCategory], where: str
) -> None:
    role = questionnaire.roles.filter(key=data["key"]).first() or Role(questionnaire=questionnaire)
    for field in ROLE_FIELDS:
        setattr(role, field, data[field])
    for field in ROLE_TEXTS:
        _set_texts(role, field, data[field], where)
        english = build_localized_fieldname(field, settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
        if not getattr(role, english).strip():
            raise ContentError(f"{where}: {field} needs an English text.")
    _validated(role, where)
    role.save()

    demands = data["demands"]
    if not isinstance(demands, dict):
        raise ContentError(
            f"{where}: demands must be an object of levels by reason key, "
            'for example {"little-ml": 2}.'
        )
    unknown = sorted(set(demands) - set(reasons))
    if unknown:
        raise ContentError(
            f"{where}: demands name no reason of this questionnaire: {', '.join(unknown)} "
            f"(reasons: {', '.join(reasons)})."
        )
    for key, level in demands.items():
        # bool is an int in Python: true must not pass for "some".
        if type(level) is not int or level not in Demand.values:
            raise ContentError(
                f"{where}: the level for {key} must be 0 (little), 1 (some) or 2 (a lot), "
                f"not {level!r}."
            )
        RoleDemand.objects.update_or_create(
            role=role, reason=reasons[key], defaults={"level": level}
        )
    role.demands.exclude(reason__key__in=list(demands)).delete()
