"""What respondents answered.

An answer keeps a snapshot of the statement, its direction and its weight,
and belongs to a snapshot of its reason (AnsweredReason), so that editing or
deleting the questionnaire later never changes an old result.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.utils import build_localized_fieldname

from .. import scoring
from .questionnaire import Direction, Question, Questionnaire, ReasonCategory, Step


def in_every_language(*fields: str) -> list[str]:
    """Return the columns holding `fields` in every language, for copying snapshots."""
    return [
        build_localized_fieldname(field, code) for field in fields for code, _ in settings.LANGUAGES
    ]


def owner_key_for(token: str) -> str:
    """Return what a submission stores of the session token that owns it."""
    return hashlib.sha256(token.encode()).hexdigest()


class SubmissionQuerySet(models.QuerySet):
    def completed(self) -> SubmissionQuerySet:
        return self.filter(completed_at__isnull=False)

    def in_progress(self) -> SubmissionQuerySet:
        return self.filter(completed_at__isnull=True)

    def owned_by(self, token: str) -> SubmissionQuerySet:
        return self.filter(owner_key=owner_key_for(token))


class Submission(models.Model):
    id = models.UUIDField(
        _("id"),
        primary_key=True,
        default=uuid.uuid4,
        editable=False,
        help_text=_("Random and unguessable: it is also the results link."),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("questionnaire"),
    )
    owner_key = models.CharField(
        _("owner key"),
        max_length=64,
        editable=False,
        db_index=True,
        help_text=_("A hash of the secret kept in the browser session that started it."),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the questionnaire was last answered in."),
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.questionnaire} — {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:results", args=[self.pk])

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def is_owned_by(self, token: str | None) -> bool:
        """Return True if the session holding `token` started this submission."""
        return bool(token) and secrets.compare_digest(self.owner_key, owner_key_for(token))

    def record_language(self, language: str) -> None:
        """Remember the language the person is answering in, when it changes."""
        if language != self.language and language in dict(settings.LANGUAGES):
            Submission.objects.filter(pk=self.pk).update(language=language)
            self.language = language

    def answer_values(self) -> dict[int, int]:
        """Return {question id: value} for every answer to a statement that still exists."""
        return dict(self.answers.filter(question__isnull=False).values_list("question_id", "value"))

    @staticmethod
    def first_open_step(steps: list[Step], values: dict[int, int]) -> Step | None:
        """Return the first step with an active statement not yet answered, or None."""
        for step in steps:
            if any(question.pk not in values for question in step.questions):
                return step
        return None

    def save_step(self, step: Step, values: dict[int, int]) -> None:
        """Store the answers given on one step, with a snapshot of what was asked.

        An upsert on (submission, question) keeps one answer per statement
        even when the same step is posted twice at once.
        """
        category = step.category
        questions = [question for question in step.questions if question.pk in values]
        if not questions:
            return
        with transaction.atomic():
            AnsweredReason.objects.bulk_create(
                [AnsweredReason.snapshot_of(self, category)],
                update_conflicts=True,
                unique_fields=["submission", "category"],
                update_fields=AnsweredReason.snapshot_columns(),
            )
            reason = AnsweredReason.objects.get(submission=self, category=category)
            Answer.objects.bulk_create(
                [
                    Answer(
                        submission=self,
                        question=question,
                        reason=reason,
                        **{column: getattr(question, column) for column in STATEMENT_COLUMNS},
                        direction=question.direction,
                        weight=question.weight,
                        order=question.order,
                        value=values[question.pk],
                    )
                    for question in questions
                ],
                update_conflicts=True,
                unique_fields=["submission", "question"],
                update_fields=[
                    "reason",
                    *STATEMENT_COLUMNS,
                    "direction",
                    "weight",
                    "order",
                    "value",
                    "answered_at",
                ],
            )

    def complete(self) -> bool:
        """Mark the submission complete if no step is left open; return whether it is."""
        if self.is_complete:
            return True
        if self.first_open_step(self.questionnaire.steps(), self.answer_values()) is not None:
            return False
        updated = Submission.objects.filter(pk=self.pk, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )
        self.refresh_from_db(fields=["completed_at"])
        return bool(updated) or self.is_complete

    def result(self, reasons: list[AnsweredReason] | None = None) -> scoring.Result:
        """Return the scored result, computed only from what was stored when answering.

        Each reason's score carries its AnsweredReason as `ref`, for the words around it.
        """
        if reasons is None:
            reasons = self.answered_reasons.prefetch_related("answers")
        return scoring.score_submission(reason.scoring_input() for reason in reasons)


class AnsweredReason(models.Model):
    """A reason as it stood when a submission answered it: the words and the thresholds."""

    # Copied as they are from the reason, and in every language from the reason
    # and from its questionnaire (the words for the bands).
    PLAIN_FIELDS = ("key", "order", "some_signs_from", "strong_signs_from")
    REASON_TEXTS = ("title", "summary", "why_it_matters", "advice")
    BAND_TEXTS = ("band_little", "band_some", "band_strong")

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="answered_reasons",
        verbose_name=_("submission"),
    )
    category = models.ForeignKey(
        ReasonCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_reasons",
        help_text=_("The live reason, while it exists."),
    )
    key = models.SlugField(_("key"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("one-line summary"), max_length=200)
    why_it_matters = models.TextField(_("why it matters in the job"))
    advice = models.TextField(_("advice"))
    some_signs_from = models.PositiveSmallIntegerField(_("“some signs” from"))
    strong_signs_from = models.PositiveSmallIntegerField(_("“strong signs” from"))
    band_little = models.CharField(_("“little sign” band"), max_length=60, default="Little sign")
    band_some = models.CharField(_("“some signs” band"), max_length=60, default="Some signs")
    band_strong = models.CharField(_("“strong signs” band"), max_length=60, default="Strong signs")

    class Meta:
        ordering = ["submission", "order", "pk"]
        verbose_name = _("answered reason")
        verbose_name_plural = _("answered reasons")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "category"], name="one_snapshot_per_reason_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def snapshot_columns(cls) -> list[str]:
        texts = (*cls.REASON_TEXTS, *cls.BAND_TEXTS)
        return [*cls.PLAIN_FIELDS, *texts, *in_every_language(*texts)]

    @classmethod
    def snapshot_of(cls, submission: Submission, category: ReasonCategory) -> AnsweredReason:
        questionnaire = submission.questionnaire
        return cls(
            submission=submission,
            category=category,
            **{field: getattr(category, field) for field in cls.PLAIN_FIELDS},
            **{
                column: getattr(category, column) for column in in_every_language(*cls.REASON_TEXTS)
            },
            **{
                column: getattr(questionnaire, column)
                for column in in_every_language(*cls.BAND_TEXTS)
            },
        )

    def scoring_input(self) -> scoring.ReasonInput:
        return scoring.ReasonInput(
            key=self.key,
            title=self.title,
            order=self.order,
            some_signs_from=self.some_signs_from,
            strong_signs_from=self.strong_signs_from,
            band_labels=(self.band_little, self.band_some, self.band_strong),
            answers=[answer.scoring_input() for answer in self.answers.all()],
            ref=self,
        )


STATEMENT_COLUMNS = ["statement", *in_every_language("statement")]


class Answer(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="answers", verbose_name=_("submission")
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
        help_text=_("The live statement, while it exists."),
    )
    reason = models.ForeignKey(
        AnsweredReason,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("answered reason"),
    )
    statement = models.CharField(_("statement as asked"), max_length=300)
    direction = models.CharField(_("direction as scored"), max_length=10, choices=Direction.choices)
    weight = models.PositiveSmallIntegerField(_("weight as scored"))
    order = models.PositiveSmallIntegerField(_("order as asked"))
    value = models.PositiveSmallIntegerField(
        _("answer"),
        choices=scoring.SCALE,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = pgettext_lazy("the model", "answers")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question"], name="one_answer_per_statement_per_submission"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1) & Q(value__lte=5), name="answer_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement} — {self.get_value_display()}"

    def scoring_input(self) -> scoring.AnswerInput:
        return scoring.AnswerInput(
            statement=self.statement,
            value=self.value,
            direction=self.direction,
            weight=self.weight,
            order=self.order,
        )
