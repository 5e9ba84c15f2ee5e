"""The questionnaire as admins edit it: reasons and their statements."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from itertools import groupby

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .. import scoring


def new_key() -> str:
    """Return a short random key for a statement an admin adds by hand."""
    return f"s-{secrets.token_hex(4)}"


class Direction(models.TextChoices):
    FORWARD = scoring.FORWARD, "Agreeing signals ML engineering may not fit"
    REVERSE = scoring.REVERSE, "Agreeing signals ML engineering fits (reverse-keyed)"


class QuestionnaireQuerySet(models.QuerySet):
    def published(self) -> QuestionnaireQuerySet:
        return self.filter(published=True)


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire: a reason and its active statements."""

    number: int
    category: ReasonCategory
    questions: list[Question]


class Questionnaire(models.Model):
    slug = models.SlugField(
        "slug", unique=True, help_text="Short name used in exports and by the import command."
    )
    title = models.CharField("title", max_length=200, help_text="Shown as the page heading.")
    intro = models.TextField(
        "introduction",
        blank=True,
        help_text="Shown on the landing page. Separate paragraphs with a blank line.",
    )
    published = models.BooleanField(
        "published", default=False, help_text="Only a published questionnaire can be taken."
    )
    band_little = models.CharField(
        "“little sign” band",
        max_length=60,
        default="Little sign",
        help_text="Words for a reason's score below its “some signs” threshold.",
    )
    band_some = models.CharField(
        "“some signs” band",
        max_length=60,
        default="Some signs",
        help_text="Words for a score from the “some signs” threshold up.",
    )
    band_strong = models.CharField(
        "“strong signs” band",
        max_length=60,
        default="Strong signs",
        help_text="Words for a score from the “strong signs” threshold up.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def steps(self) -> list[Step]:
        """Return the pages a respondent goes through: reasons with active statements, in order."""
        questions = (
            Question.objects.active()
            .filter(category__questionnaire=self)
            .select_related("category")
            .order_by("category__order", "category_id", "order", "pk")
        )
        return [
            Step(number=number, category=category, questions=list(group))
            for number, (category, group) in enumerate(
                groupby(questions, key=lambda question: question.category), start=1
            )
        ]


class ReasonCategory(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="reasons",
        verbose_name="questionnaire",
    )
    key = models.SlugField(
        "key",
        max_length=60,
        help_text="Stable short name, unique in the questionnaire; used in exports.",
    )
    order = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Reasons are shown from the lowest number up."
    )
    title = models.CharField("title", max_length=120, help_text="For example “Constant learning”.")
    summary = models.CharField(
        "one-line summary", max_length=200, help_text="One sentence shown under the title."
    )
    why_it_matters = models.TextField(
        "why it matters in the job",
        help_text="What this reason means in an ML engineer's day-to-day work.",
    )
    advice = models.TextField(
        "advice", help_text="Shown on the results page to someone whose answers point here."
    )
    some_signs_from = models.PositiveSmallIntegerField(
        "“some signs” from",
        default=35,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="A score (0-100) at or above this reads as “some signs”.",
    )
    strong_signs_from = models.PositiveSmallIntegerField(
        "“strong signs” from",
        default=65,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text="A score at or above this reads as “strong signs”. Must be above the first.",
    )

    class Meta:
        ordering = ["questionnaire", "order", "pk"]
        verbose_name = "reason"
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "key"], name="reason_key_unique_in_questionnaire"
            ),
            models.CheckConstraint(
                condition=Q(some_signs_from__gte=1)
                & Q(some_signs_from__lt=models.F("strong_signs_from"))
                & Q(strong_signs_from__lte=100),
                name="reason_band_thresholds_in_order",
                violation_error_message="“Some signs” must start below “strong signs”, within 1-100.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionQuerySet(models.QuerySet):
    def active(self) -> QuestionQuerySet:
        return self.filter(active=True)


class Question(models.Model):
    category = models.ForeignKey(
        ReasonCategory,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name="reason",
    )
    key = models.SlugField(
        "key",
        max_length=60,
        default=new_key,
        help_text="Stable short name, unique in the reason; used by the import and export commands.",
    )
    order = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Statements are shown from the lowest number up."
    )
    statement = models.CharField(
        "statement",
        max_length=300,
        help_text="A concrete situation, in the first person, that a respondent agrees or disagrees with.",
    )
    direction = models.CharField(
        "direction",
        max_length=10,
        choices=Direction.choices,
        default=Direction.FORWARD,
        help_text="Which way agreeing points. Reverse-keyed statements keep answers honest.",
    )
    weight = models.PositiveSmallIntegerField(
        "weight",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 to 5: how much this statement counts in its reason's score.",
    )
    active = models.BooleanField(
        "active",
        default=True,
        help_text="Inactive statements are no longer asked; earlier answers to them are kept.",
    )
    help_text = models.CharField(
        "help text",
        max_length=200,
        blank=True,
        help_text="Optional note shown under the statement.",
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["category", "order", "pk"]
        verbose_name = "statement"
        constraints = [
            models.UniqueConstraint(
                fields=["category", "key"], name="statement_key_unique_in_reason"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=5), name="statement_weight_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return self.statement
