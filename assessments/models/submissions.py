"""What respondents answered.

A submission is answered on one published revision from start to end. Its
answers are values only, one digit per statement of that revision in the
revision's order ("0" where not answered yet), so a completed submission of
30 statements stores 30 characters, not a copy of the questionnaire. What
each digit means (the statement, its direction and weight, its reason) is
read from the revision, which never changes.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .. import quality, scoring
from .norms import ReasonScoreCount
from .revisions import FrozenQuestionnaire, FrozenReason, Revision, frozen_revision

UNANSWERED = 0


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

    def with_digest(self) -> SubmissionQuerySet:
        """Read the revision's digest alongside: all `Submission.frozen` needs, in a light query."""
        return self.annotate(revision_digest=F("revision__digest"))

    def page_lookup(self, pk: uuid.UUID | str) -> Submission | None:
        """Return one submission with its revision's digest, or None: the query of every page.

        Written as SQL because it runs on every respondent page and the ORM
        took longer to build it than the database to answer it (0.58 ms
        against 0.23 ms, measured in-process). Same result as
        `self.with_digest().filter(pk=pk).first()`, which the tests compare.
        """
        submission = Submission._meta
        revision = Revision._meta
        try:
            key = submission.pk.get_db_prep_value(pk, connection)
        except ValidationError:
            return None
        query = (
            f'SELECT s.*, r."digest" AS "revision_digest" FROM "{submission.db_table}" s '
            f'JOIN "{revision.db_table}" r ON r."id" = s."revision_id" WHERE s."id" = %s'
        )
        return next(iter(Submission.objects.raw(query, [key])), None)

    def earlier_results(self, token: str | None) -> SubmissionQuerySet:
        """Return the completed submissions of the browser holding `token`, newest first."""
        if not token:
            return self.none()
        return self.completed().owned_by(token).order_by("-completed_at")

    def with_revision(self) -> SubmissionQuerySet:
        """Join the revision without its content, which `Revision.frozen` caches."""
        return self.select_related("revision__questionnaire").defer("revision__content")


class AlreadyComplete(Exception):
    """The submission was completed before these answers arrived; nothing was saved."""


class Submission(models.Model):
    id = models.UUIDField(
        _("id"),
        primary_key=True,
        default=uuid.uuid4,
        editable=False,
        help_text=_("Random and unguessable: it is also the results link."),
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("revision"),
        help_text=_("The published version of the questionnaire this was answered on."),
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
    answers = models.TextField(
        _("answers"),
        blank=True,
        default="",
        help_text=_(
            "One digit per statement of the revision, in its order: 1 (strongly disagree) "
            "to 5 (strongly agree), 0 where not answered yet."
        ),
    )
    step_times = models.JSONField(
        _("step times"),
        default=list,
        blank=True,
        help_text=_(
            "Per step, [seconds from the start until it was first shown, until all its "
            "statements were first answered]; null where not yet. Used to notice answers "
            "given faster than a person can read."
        ),
    )
    quality_flags = models.CharField(
        _("answer-quality flags"),
        max_length=100,
        blank=True,
        default="",
        help_text=_(
            "Patterns found when the answers were confirmed, comma-separated: straight-line, "
            "contradictions, speeding, mostly-neutral. Empty when none was found."
        ),
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.revision.questionnaire} — {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:results", args=[self.pk])

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def frozen(self) -> FrozenQuestionnaire:
        """Return what this submission is answered on: its revision's content."""
        digest = getattr(self, "revision_digest", None)
        if digest is not None:
            return frozen_revision(self.revision_id, digest)
        return self.revision.frozen

    def is_owned_by(self, token: str | None) -> bool:
        """Return True if the session holding `token` started this submission."""
        return bool(token) and secrets.compare_digest(self.owner_key, owner_key_for(token))

    def record_language(self, language: str) -> None:
        """Remember the language the person is answering in, when it changes."""
        if language != self.language and language in dict(settings.LANGUAGES):
            Submission.objects.filter(pk=self.pk).update(language=language)
            self.language = language

    def answer_values(self) -> list[int]:
        """Return the answer to each statement of the revision, in order; 0 where none."""
        return decode_answers(self.answers, self.frozen.statement_count)

    @property
    def answered_count(self) -> int:
        return sum(1 for digit in self.answers if digit != "0")

    def first_open_step(self, values: list[int] | None = None) -> FrozenReason | None:
        """Return the first step with a statement not yet answered, or None."""
        values = self.answer_values() if values is None else values
        for reason in self.frozen.reasons:
            if any(values[statement.position] == UNANSWERED for statement in reason.statements):
                return reason
        return None

    def seconds_since_start(self) -> float:
        return round((timezone.now() - self.started_at).total_seconds(), 1)

    def record_shown(self, step: FrozenReason) -> None:
        """Remember when a step was first shown, for the answer-quality check of its pace."""
        if step_time(self.step_times, step.number)[0] is not None or self.is_complete:
            return
        with transaction.atomic():
            times = (
                Submission.objects.select_for_update()
                .values_list("step_times", flat=True)
                .get(pk=self.pk)
            )
            if step_time(times, step.number)[0] is None:
                times = with_step_time(times, step.number, shown=self.seconds_since_start())
                Submission.objects.filter(pk=self.pk).update(step_times=times)
        self.step_times = times

    def timings(self) -> list[quality.StepTiming]:
        """Return the steps whose pace is known: from first shown to first fully answered."""
        timings = []
        for reason in self.frozen.reasons:
            shown, answered = step_time(self.step_times, reason.number)
            if shown is not None and answered is not None:
                timings.append(
                    quality.StepTiming(len(reason.statements), max(0.0, answered - shown))
                )
        return timings

    def quality(self, values: list[int] | None = None) -> quality.Quality:
        """Return how far the answers can be trusted (see `assessments.quality`)."""
        values = self.answer_values() if values is None else values
        return assess(self.frozen, values, self.timings())

    def save_step(self, given: dict[int, int], *, complete: bool = False) -> bool:
        """Store answers {statement position: value}; with `complete`, finish if all are in.

        Return whether the submission is complete afterwards. The row is
        locked while the answers are merged, so two tabs posting at once
        never lose each other's answers, and nothing is written once the
        submission is complete: that raises AlreadyComplete. A step whose
        statements are all answered for the first time gets its time, and a
        submission completed gets its answer-quality flags.
        """
        count = self.frozen.statement_count
        for position, value in given.items():
            # type() rather than isinstance(): True and 2.0 are not answers.
            if (
                type(position) is not int
                or type(value) is not int
                or not 0 <= position < count
                or value not in scoring.SCALE_LABELS
            ):
                raise ValueError(f"No answer {value!r} to statement {position!r}.")
        with transaction.atomic():
            stored, times, completed_at = (
                Submission.objects.select_for_update()
                .values_list("answers", "step_times", "completed_at")
                .get(pk=self.pk)
            )
            if completed_at is not None:
                self.completed_at = completed_at
                raise AlreadyComplete
            values = decode_answers(stored, count)
            for position, value in given.items():
                values[position] = value
            fields: dict = {"answers": encode_answers(values)}
            now = self.seconds_since_start()
            for reason in self.frozen.reasons:
                done = all(values[s.position] != UNANSWERED for s in reason.statements)
                if done and step_time(times, reason.number)[1] is None:
                    times = with_step_time(times, reason.number, answered=now)
                    fields["step_times"] = times
            if complete and UNANSWERED not in values:
                fields["completed_at"] = timezone.now()
                self.step_times = times
                fields["quality_flags"] = ",".join(self.quality(values).flags)
                if not fields["quality_flags"]:
                    # Counted in the norms in the same transaction: both or neither.
                    ReasonScoreCount.objects.count_in(self.revision_id, self.norm_scores(values))
            if fields["answers"] != stored or len(fields) > 1:
                Submission.objects.filter(pk=self.pk).update(**fields)
        for field, value in fields.items():
            setattr(self, field, value)
        return self.is_complete

    def norm_scores(self, values: list[int] | None = None) -> dict[str, int]:
        """Return the scores this submission counts with in the norms: {reason key: score}."""
        values = self.answer_values() if values is None else values
        return {reason.key: reason.score for reason in score(self.frozen, values).reasons}

    def counts_in_norms(self) -> bool:
        """Return True if the norms count this submission: completed, with no quality flag."""
        return self.is_complete and not self.quality_flags

    def result(self) -> scoring.Result:
        """Return the scored result, computed only from the revision and the answers."""
        return score(self.frozen, self.answer_values())

    @cached_property
    def scores_by_key(self) -> dict[str, int]:
        """Return {reason key: score} of the reasons answered so far, scored once per object.

        The scores of `result()` without its bands and quoted answers, which
        a list of a hundred submissions does not show and would spend a
        quarter of its time on.
        """
        values = self.answer_values()
        scores = {}
        for reason in self.frozen.reasons:
            given = [
                (values[statement.position], statement.direction, statement.weight)
                for statement in reason.statements
                if values[statement.position] != UNANSWERED
            ]
            if given:
                scores[reason.key] = scoring.reason_score(given)
        return scores

    def previous_result(self) -> Submission | None:
        """Return this browser's result completed just before this one, if any."""
        if not self.is_complete:
            return None
        return (
            Submission.objects.completed()
            .filter(owner_key=self.owner_key, completed_at__lt=self.completed_at)
            .with_digest()
            .order_by("-completed_at")
            .first()
        )

    def delete_for_good(self) -> None:
        """Delete this submission and leave only a tombstone of its id (see DeletedSubmission)."""
        with transaction.atomic():
            DeletedSubmission.objects.get_or_create(id_digest=DeletedSubmission.digest(self.pk))
            deleted, _by_model = Submission.objects.filter(pk=self.pk).delete()
            if deleted and self.counts_in_norms():
                # A person who deletes their results leaves the norms as well.
                ReasonScoreCount.objects.take_away(self.revision_id, self.norm_scores())


class DeletedSubmission(models.Model):
    """What is left of a submission its owner deleted: a one-way digest of its id, and the day.

    Only so that its link can answer "410 Gone: deleted" rather than "not
    found"; nothing of the answers, the owner or the revision is kept, and
    the digest cannot be turned back into the link.
    """

    id_digest = models.CharField(_("id digest"), max_length=64, primary_key=True)
    deleted_on = models.DateField(_("deleted on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("deleted submission")
        verbose_name_plural = _("deleted submissions")

    def __str__(self) -> str:
        return self.id_digest[:12]

    @staticmethod
    def digest(pk: uuid.UUID | str) -> str:
        return hashlib.sha256(f"mlfit-deleted:{uuid.UUID(str(pk))}".encode()).hexdigest()

    @classmethod
    def was_deleted(cls, pk: uuid.UUID | str) -> bool:
        return cls.objects.filter(id_digest=cls.digest(pk)).exists()


def decode_answers(answers: str, count: int) -> list[int]:
    """Return the stored digits as a list of `count` values (0 where not answered)."""
    values = [int(digit) for digit in answers[:count]]
    return values + [UNANSWERED] * (count - len(values))


def encode_answers(values: list[int]) -> str:
    return "".join(str(value) for value in values)


def step_time(times: list, number: int) -> tuple[float | None, float | None]:
    """Return (first shown, first fully answered) of step `number`, in seconds from the start."""
    if number <= len(times) and isinstance(times[number - 1], list):
        shown, answered = times[number - 1]
        return shown, answered
    return None, None


def with_step_time(
    times: list, number: int, *, shown: float | None = None, answered: float | None = None
) -> list:
    """Return a copy of `times` with step `number`'s missing times filled in."""
    times = [list(entry) if isinstance(entry, list) else None for entry in times]
    times += [None] * (number - len(times))
    old_shown, old_answered = step_time(times, number)
    times[number - 1] = [
        old_shown if old_shown is not None else shown,
        old_answered if old_answered is not None else answered,
    ]
    return times


def assess(
    frozen: FrozenQuestionnaire, values: list[int], timings: list[quality.StepTiming]
) -> quality.Quality:
    """Check complete answers given on a revision for careless or unsure patterns."""
    return quality.assess(
        values,
        [
            [(values[s.position], s.direction) for s in reason.statements if s.weight > 0]
            for reason in frozen.reasons
        ],
        [reason.key for reason in frozen.reasons],
        timings,
    )


def score(frozen: FrozenQuestionnaire, values: list[int]) -> scoring.Result:
    """Score answers given on a revision; each reason's score carries its FrozenReason as `ref`."""
    return scoring.score_submission(
        scoring.ReasonInput(
            key=reason.key,
            title=reason.title,
            order=reason.order,
            some_signs_from=reason.some_signs_from,
            strong_signs_from=reason.strong_signs_from,
            answers=[
                scoring.AnswerInput(
                    statement=statement.text,
                    value=values[statement.position],
                    direction=statement.direction,
                    weight=statement.weight,
                    order=statement.order,
                )
                for statement in reason.statements
                if values[statement.position] != UNANSWERED
            ],
            ref=reason,
        )
        for reason in frozen.reasons
    )
