"""Published revisions: the questionnaire frozen as people answer it.

An admin edits the questionnaire (the working copy) and publishes it. Publishing
freezes the reasons, their active statements, the neighbouring roles and every
text in both languages into an immutable Revision. A submission is answered on
one revision from start to end and its result is read from that revision
forever, so no later edit can change an old result.

A revision keeps its content as one document in the data-file format
(`assessments.datafile.revision_document`). Read through `Revision.frozen`, it
becomes plain read-only objects, parsed once per process: a revision never
changes, so the parsed copy never goes stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .questionnaire import Questionnaire


class Texts(dict):
    """One text in every language, read in the language of the page.

    `str()` gives the active language's text, or the default language's when
    the active one has none, as django-modeltranslation does for live fields.
    """

    def __str__(self) -> str:
        return self.get(translation.get_language() or "", "") or self.get(
            settings.MODELTRANSLATION_DEFAULT_LANGUAGE, ""
        )


# eq=False: compared and hashed by identity, since their texts are dicts.
@dataclass(frozen=True, eq=False)
class FrozenStatement:
    """A statement as a revision asks it."""

    key: str
    position: int  # 0-based, across the whole revision: its digit in Submission.answers
    order: int
    text: Texts
    help_text: Texts
    direction: str
    weight: int

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True, eq=False)
class FrozenReason:
    """A reason as a revision asks it: one step of the questionnaire."""

    number: int  # the step, from 1
    key: str
    order: int
    title: Texts
    summary: Texts
    why_it_matters: Texts
    advice: Texts
    some_signs_from: int
    strong_signs_from: int
    statements: tuple[FrozenStatement, ...]
    # "One thing to try"; empty in revisions published before it existed.
    experiment: Texts = field(default_factory=Texts)

    def __str__(self) -> str:
        return str(self.title)


@dataclass(frozen=True, eq=False)
class FrozenRole:
    """A neighbouring role as a revision suggests it: what it asks of each reason."""

    key: str
    order: int
    title: Texts
    summary: Texts
    # {reason key: 0 (little), 1 (some) or 2 (a lot)}; read-only.
    demands: Mapping[str, int]

    def __str__(self) -> str:
        return str(self.title)


@dataclass(frozen=True, eq=False)
class FrozenQuestionnaire:
    """The whole of a revision: what a respondent is asked and how it is scored."""

    slug: str
    title: Texts
    intro: Texts
    reasons: tuple[FrozenReason, ...]
    # Empty in revisions published before roles existed.
    roles: tuple[FrozenRole, ...] = ()

    @property
    def statement_count(self) -> int:
        return sum(len(reason.statements) for reason in self.reasons)

    @property
    def statements(self) -> list[FrozenStatement]:
        return [statement for reason in self.reasons for statement in reason.statements]

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> FrozenQuestionnaire:
        data = document["questionnaire"]
        reasons = []
        position = 0
        for number, reason in enumerate(data["reasons"], start=1):
            statements = []
            for statement in reason["statements"]:
                statements.append(
                    FrozenStatement(
                        key=statement["key"],
                        position=position,
                        order=statement["order"],
                        text=Texts(statement["text"]),
                        help_text=Texts(statement.get("help_text") or {}),
                        direction=statement["direction"],
                        weight=statement["weight"],
                    )
                )
                position += 1
            reasons.append(
                FrozenReason(
                    number=number,
                    key=reason["key"],
                    order=reason["order"],
                    title=Texts(reason["title"]),
                    summary=Texts(reason["summary"]),
                    why_it_matters=Texts(reason["why_it_matters"]),
                    advice=Texts(reason["advice"]),
                    some_signs_from=reason["some_signs_from"],
                    strong_signs_from=reason["strong_signs_from"],
                    statements=tuple(statements),
                    experiment=Texts(reason.get("experiment") or {}),
                )
            )
        roles = tuple(
            FrozenRole(
                key=role["key"],
                order=role["order"],
                title=Texts(role["title"]),
                summary=Texts(role["summary"]),
                demands=MappingProxyType(dict(role["demands"])),
            )
            for role in data.get("roles", ())
        )
        return cls(
            slug=data["slug"],
            title=Texts(data["title"]),
            intro=Texts(data["intro"]),
            reasons=tuple(reasons),
            roles=roles,
        )


def digest_of(document: dict[str, Any]) -> str:
    """Return a fingerprint of a revision document: equal content, equal digest."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@lru_cache(maxsize=64)
def frozen_revision(pk: int, digest: str) -> FrozenQuestionnaire:
    """Return revision `pk` as read-only objects, parsed once per process."""
    # Keyed by the digest too, so that a revision id reused by another
    # database (a test, a restored backup) never serves the wrong content.
    content = Revision.objects.values_list("content", flat=True).get(pk=pk)
    return FrozenQuestionnaire.from_document(content)


class RevisionQuerySet(models.QuerySet):
    def without_content(self) -> RevisionQuerySet:
        """Leave the document out: `frozen` reads it once per process instead."""
        return self.defer("content")

    def latest_open(self) -> Revision | None:
        """Return the latest revision of the questionnaire the site offers, if any."""
        revisions = (
            self.filter(questionnaire__published=True)
            .select_related("questionnaire")
            .without_content()
            .order_by("-number")
        )
        return (
            revisions.filter(questionnaire__slug=settings.MLFIT_QUESTIONNAIRE_SLUG).first()
            or revisions.order_by("questionnaire_id", "-number").first()
        )


class Revision(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("questionnaire"),
    )
    number = models.PositiveIntegerField(
        _("number"), help_text=_("Counts the questionnaire's revisions from 1.")
    )
    content = models.JSONField(
        _("content"),
        help_text=_("The reasons, statements and texts as published, in the data-file format."),
    )
    digest = models.CharField(
        _("digest"),
        max_length=64,
        editable=False,
        help_text=_("A fingerprint of the content: publishing the same content again is a no-op."),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.CharField(
        _("published by"),
        max_length=150,
        blank=True,
        help_text=_("The admin who published it; empty when published by a command."),
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["questionnaire", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="revision_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return _("%(questionnaire)s, revision %(number)d") % {
            "questionnaire": self.questionnaire,
            "number": self.number,
        }

    @property
    def frozen(self) -> FrozenQuestionnaire:
        """Return the revision's content as read-only objects, parsed once per process."""
        return frozen_revision(self.pk, self.digest)
