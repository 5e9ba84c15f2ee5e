"""What changed between two revision documents, in words an admin reads before publishing.

Pure: two documents in the data-file format in, a list of changes out.
Reasons are matched by key, statements by key within their reason, roles by key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

QUESTIONNAIRE_TEXTS = {
    "title": "title",
    "intro": "introduction",
}
REASON_TEXTS = {
    "title": "title",
    "summary": "one-line summary",
    "why_it_matters": "why it matters in the job",
    "advice": "advice",
    "experiment": "one thing to try",
}
ROLE_TEXTS = {
    "title": "title",
    "summary": "one-line summary",
}
LEVELS = {0: "little", 1: "some", 2: "a lot"}


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, reworded, rekeyed, reweighted, reordered, thresholds, texts, asks
    where: str  # the reason or role, or "" for the questionnaire itself
    description: str


def _english(texts: dict[str, str]) -> str:
    return texts.get("en") or next(iter(texts.values()), "")


def _changed_languages(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return sorted(code for code in set(old) | set(new) if old.get(code) != new.get(code))


def _missing_languages(texts: dict[str, str]) -> str:
    """Return a warning naming the languages a text is empty in, or ""."""
    missing = sorted(code for code, text in texts.items() if not text)
    if not missing:
        return ""
    return " " + _("(No text in %(languages)s yet: English is shown instead.)") % {
        "languages": ", ".join(missing)
    }


def _direction(direction: str) -> str:
    return {"forward": _("agreeing signals “may not fit”"), "reverse": _("reverse-keyed")}.get(
        direction, direction
    )


def describe_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    """Return what publishing `new` would change compared with `old` (None: nothing yet)."""
    if old is None:
        return []
    before, after = old["questionnaire"], new["questionnaire"]
    changes = []
    for field, label in QUESTIONNAIRE_TEXTS.items():
        languages = _changed_languages(before.get(field, {}), after.get(field, {}))
        if languages:
            changes.append(
                Change(
                    "texts",
                    "",
                    _("The questionnaire's %(field)s changed (%(languages)s).")
                    % {"field": _(label), "languages": ", ".join(languages)},
                )
            )
    old_reasons = {reason["key"]: reason for reason in before["reasons"]}
    new_reasons = {reason["key"]: reason for reason in after["reasons"]}
    for key, reason in new_reasons.items():
        title = _english(reason["title"])
        if key not in old_reasons:
            changes.append(
                Change(
                    "added",
                    title,
                    _("New reason “%(title)s” with %(count)d statements.")
                    % {"title": title, "count": len(reason["statements"])},
                )
            )
        else:
            changes.extend(_reason_changes(old_reasons[key], reason))
    for key, reason in old_reasons.items():
        if key not in new_reasons:
            title = _english(reason["title"])
            changes.append(
                Change(
                    "removed",
                    title,
                    _("Reason “%(title)s” is no longer asked.") % {"title": title},
                )
            )
    if [key for key in new_reasons if key in old_reasons] != [
        key for key in old_reasons if key in new_reasons
    ]:
        changes.append(Change("reordered", "", _("The reasons are asked in a new order.")))
    titles = {reason["key"]: _english(reason["title"]) for reason in after["reasons"]}
    changes.extend(_role_changes(before.get("roles", []), after.get("roles", []), titles))
    return changes


def _level(level: int | None) -> str:
    return _(LEVELS[level]) if level in LEVELS else _("not said")


def _role_changes(
    old: list[dict[str, Any]], new: list[dict[str, Any]], titles: dict[str, str]
) -> list[Change]:
    """Return what changed in the roles suggested, and in what each asks of each reason."""
    old_roles = {role["key"]: role for role in old}
    new_roles = {role["key"]: role for role in new}
    changes = []
    for key, role in new_roles.items():
        title = _english(role["title"])
        previous = old_roles.get(key)
        if previous is None:
            changes.append(Change("added", title, _("New role “%(title)s”.") % {"title": title}))
            continue
        for field, label in ROLE_TEXTS.items():
            languages = _changed_languages(previous[field], role[field])
            if languages:
                changes.append(
                    Change(
                        "texts",
                        title,
                        _("The %(field)s changed (%(languages)s).")
                        % {"field": _(label), "languages": ", ".join(languages)},
                    )
                )
        for reason in dict.fromkeys([*role["demands"], *previous["demands"]]):
            before, after = previous["demands"].get(reason), role["demands"].get(reason)
            if before != after:
                changes.append(
                    Change(
                        "asks",
                        title,
                        _("How much it asks of “%(reason)s”: %(old)s → %(new)s.")
                        % {
                            "reason": titles.get(reason, reason),
                            "old": _level(before),
                            "new": _level(after),
                        },
                    )
                )
    for key, role in old_roles.items():
        if key not in new_roles:
            title = _english(role["title"])
            changes.append(
                Change(
                    "removed",
                    title,
                    _("Role “%(title)s” is no longer suggested.") % {"title": title},
                )
            )
    if [key for key in new_roles if key in old_roles] != [
        key for key in old_roles if key in new_roles
    ]:
        changes.append(
            Change("reordered", "", _("Equal matches now suggest the roles in a new order."))
        )
    return changes


def _reason_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    title = _english(new["title"])
    changes = []
    for field, label in REASON_TEXTS.items():
        # Revisions published before a text existed (the experiment) lack it.
        languages = _changed_languages(old.get(field, {}), new.get(field, {}))
        if languages:
            changes.append(
                Change(
                    "texts",
                    title,
                    _("The %(field)s changed (%(languages)s).")
                    % {"field": _(label), "languages": ", ".join(languages)},
                )
            )
    thresholds = ("some_signs_from", "strong_signs_from")
    if any(old[field] != new[field] for field in thresholds):
        changes.append(
            Change(
                "thresholds",
                title,
                _(
                    "Band thresholds: “may wear on you” from %(old_some)d to %(new_some)d, "
                    "“likely to wear on you” from %(old_strong)d to %(new_strong)d."
                )
                % {
                    "old_some": old["some_signs_from"],
                    "new_some": new["some_signs_from"],
                    "old_strong": old["strong_signs_from"],
                    "new_strong": new["strong_signs_from"],
                },
            )
        )
    old_statements = {statement["key"]: statement for statement in old["statements"]}
    new_statements = {statement["key"]: statement for statement in new["statements"]}
    for key, statement in new_statements.items():
        text = _english(statement["text"])
        previous = old_statements.get(key)
        if previous is None:
            changes.append(
                Change(
                    "added",
                    title,
                    _("New statement: “%(text)s”") % {"text": text}
                    + _missing_languages(statement["text"]),
                )
            )
            continue
        languages = _changed_languages(previous["text"], statement["text"])
        if languages:
            # The words of a language that changed: English's, when only the
            # Chinese did, would read "the same → the same".
            shown = "en" if "en" in languages else languages[0]
            changes.append(
                Change(
                    "reworded",
                    title,
                    _("Reworded (%(languages)s): “%(old)s” → “%(new)s”")
                    % {
                        "languages": ", ".join(languages),
                        "old": previous["text"].get(shown, ""),
                        "new": statement["text"].get(shown, ""),
                    }
                    + (
                        " " + _("Check the other languages: only these changed.")
                        if len(languages) < len(statement["text"])
                        else ""
                    ),
                )
            )
        if previous["direction"] != statement["direction"]:
            changes.append(
                Change(
                    "rekeyed",
                    title,
                    _("Re-keyed from %(old)s to %(new)s: “%(text)s”")
                    % {
                        "old": _direction(previous["direction"]),
                        "new": _direction(statement["direction"]),
                        "text": text,
                    },
                )
            )
        if previous["weight"] != statement["weight"]:
            changes.append(
                Change(
                    "reweighted",
                    title,
                    _("Weight %(old)d → %(new)d: “%(text)s”")
                    % {"old": previous["weight"], "new": statement["weight"], "text": text},
                )
            )
        if previous.get("help_text") != statement.get("help_text"):
            changes.append(
                Change("texts", title, _("New help text for “%(text)s”") % {"text": text})
            )
    for key, statement in old_statements.items():
        if key not in new_statements:
            changes.append(
                Change(
                    "removed",
                    title,
                    _("No longer asked: “%(text)s”") % {"text": _english(statement["text"])},
                )
            )
    if [key for key in new_statements if key in old_statements] != [
        key for key in old_statements if key in new_statements
    ]:
        changes.append(Change("reordered", title, _("The statements are asked in a new order.")))
    return changes
