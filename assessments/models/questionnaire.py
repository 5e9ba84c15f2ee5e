"""The questionnaire as admins edit it: reasons, their statements, and neighbouring roles."""

from __future__ import annotations

import secrets

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import scoring


def new_key() -> str:
    """Return a short random key for a statement an admin adds by hand."""
    return f"s-{secrets.token_hex(4)}"


class Direction(models.TextChoices):
    FORWARD = scoring.FORWARD, _("Agreeing signals ML engineering may not fit")
    REVERSE = scoring.REVERSE, _("Agreeing signals ML engineering fits (reverse-keyed)")


class QuestionnaireQuerySet(models.QuerySet):
    def published(self) -> QuestionnaireQuerySet:
        return self.filter(published=True)


class Questionnaire(models.Model):
    slug = models.SlugField(
        _("slug"), unique=True, help_text=_("Short name used in exports and by the import command.")
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("Shown as the page heading."))
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown on the landing page. Separate paragraphs with a blank line."),
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_(
            "Only a published questionnaire can be taken. New respondents answer its latest "
            "revision: use “Publish changes” to make edits live."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title

    def latest_revision(self):
        """Return the latest published revision, or None before the first publish."""
        return self.revisions.without_content().order_by("-number").first()

    def missing_texts(self) -> list[str]:
        """Return a sentence for each text the next revision would lack in a language."""
        from ..datafile import missing_texts, revision_document

        return missing_texts(revision_document(self))

    def publish(self, by: str = "", *, allow_missing_texts: bool = False):
        """Freeze the working copy as a new revision and return it.

        Return None, and create nothing, when the content is the same as the
        latest revision's. Active statements only are frozen; a reason with
        none is left out. Raise ValidationError, and create nothing, when a
        text respondents would read is empty in a language, unless
        `allow_missing_texts` (English then stands in for it).
        """
        from ..datafile import missing_texts, revision_document
        from .revisions import Revision, digest_of

        document = revision_document(self)
        if not allow_missing_texts and (missing := missing_texts(document)):
            raise ValidationError(
                [ValidationError(message, code="missing_translation") for message in missing]
            )
        digest = digest_of(document)
        with transaction.atomic():
            # Lock the questionnaire so that two publishes at once number
            # their revisions one after the other.
            Questionnaire.objects.select_for_update().filter(pk=self.pk).exists()
            latest = self.latest_revision()
            if latest is not None and latest.digest == digest:
                return None
            return Revision.objects.create(
                questionnaire=self,
                number=(latest.number if latest else 0) + 1,
                content=document,
                digest=digest,
                published_by=by,
            )


class ReasonCategory(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="reasons",
        verbose_name=_("questionnaire"),
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("Stable short name, unique in the questionnaire; used in exports."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Reasons are shown from the lowest number up.")
    )
    title = models.CharField(
        _("title"), max_length=120, help_text=_("For example “Constant learning”.")
    )
    summary = models.CharField(
        _("one-line summary"), max_length=200, help_text=_("One sentence shown under the title.")
    )
    why_it_matters = models.TextField(
        _("why it matters in the job"),
        help_text=_("What this reason means in an ML engineer's day-to-day work."),
    )
    advice = models.TextField(
        _("advice"), help_text=_("Shown on the results page to someone whose answers point here.")
    )
    experiment = models.TextField(
        _("one thing to try"),
        blank=True,
        default="",
        help_text=_(
            "One or two short sentences in the imperative: a cheap, concrete experiment drawn "
            "from the advice, for example “Keep a small script that pulls live public data "
            "running for a few months, and note how you feel each time it breaks.” Listed under "
            "“What to try next” for the reasons that matter most in someone's answers. Leave it "
            "empty for none."
        ),
    )
    some_signs_from = models.PositiveSmallIntegerField(
        _("“may wear on you” from"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_(
            "A reason's score runs from -100 (fits you) through 0 (no lean) to +100 (may wear "
            "on you). At or above this it reads as “May wear on you”; at or below minus this, "
            "as “Fits you”. Either needs two answers leaning that way."
        ),
    )
    strong_signs_from = models.PositiveSmallIntegerField(
        _("“likely to wear on you” from"),
        default=60,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_(
            "At or above this score the reason reads as “Likely to wear on you”. "
            "Must be above the first."
        ),
    )

    class Meta:
        ordering = ["questionnaire", "order", "pk"]
        verbose_name = _("reason")
        # "reasons" alone already names the admin's count column.
        verbose_name_plural = pgettext_lazy("the model", "reasons")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "key"], name="reason_key_unique_in_questionnaire"
            ),
            models.CheckConstraint(
                condition=Q(some_signs_from__gte=1)
                & Q(some_signs_from__lt=models.F("strong_signs_from"))
                & Q(strong_signs_from__lte=100),
                name="reason_band_thresholds_in_order",
                violation_error_message=_(
                    "“May wear on you” must start below “likely to wear on you”, within 1-100."
                ),
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
        verbose_name=_("reason"),
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        default=new_key,
        help_text=_(
            "Stable short name, unique in the reason; used by the import and export commands."
        ),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Statements are shown from the lowest number up.")
    )
    statement = models.CharField(
        _("statement"),
        max_length=300,
        help_text=_(
            "A concrete situation, in the first person, that a respondent agrees or disagrees with."
        ),
    )
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=Direction.choices,
        default=Direction.FORWARD,
        help_text=_("Which way agreeing points. Reverse-keyed statements keep answers honest."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 to 5: how much this statement counts in its reason's score."),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive statements are no longer asked; earlier answers to them are kept."),
    )
    help_text = models.CharField(
        _("help text"),
        max_length=200,
        blank=True,
        help_text=_("Optional note shown under the statement."),
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["category", "order", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
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


class Demand(models.IntegerChoices):
    """How much of one reason's part of the job a role asks."""

    LITTLE = 0, _("little")
    SOME = 1, _("some")
    A_LOT = 2, _("a lot")


class Role(models.Model):
    """A neighbouring role the results page may suggest, and what it asks of each reason."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("questionnaire"),
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("Stable short name, unique in the questionnaire; used in exports."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Roles that match equally well are suggested from the lowest number up."),
    )
    title = models.CharField(
        _("title"), max_length=120, help_text=_("The role's name, for example “Data engineer”.")
    )
    summary = models.CharField(
        _("one-line summary"),
        max_length=250,
        help_text=_("One sentence on what the role does day to day, shown with the suggestion."),
    )

    class Meta:
        ordering = ["questionnaire", "order", "pk"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "key"], name="role_key_unique_in_questionnaire"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RoleDemand(models.Model):
    """How much of one reason's part of the job a role asks: the rule its suggestion follows."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="demands", verbose_name=_("role")
    )
    reason = models.ForeignKey(
        ReasonCategory,
        on_delete=models.CASCADE,
        related_name="role_demands",
        verbose_name=_("reason"),
    )
    level = models.PositiveSmallIntegerField(
        _("how much it asks"),
        choices=Demand.choices,
        help_text=_(
            "How much of this reason's part of the job the role asks. ML engineering, as the "
            "article describes it, asks a lot of every one."
        ),
    )

    class Meta:
        ordering = ["role", "reason__order", "reason__pk"]
        verbose_name = _("what the role asks")
        verbose_name_plural = _("what the role asks")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "reason"], name="role_demand_unique_per_reason"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=Demand.LITTLE) & Q(level__lte=Demand.A_LOT),
                name="role_demand_level_0_to_2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason}: {self.get_level_display()}"

    def clean(self) -> None:
        # A role is matched against its own questionnaire's reasons only. The
        # role may be new and unsaved: the admin checks its rows before saving it.
        try:
            role, reason = self.role, self.reason
        except ObjectDoesNotExist:
            return  # the missing field has an error of its own
        if role.questionnaire_id != reason.questionnaire_id:
            raise ValidationError(
                {"reason": _("Choose a reason of the role's own questionnaire.")},
                code="other_questionnaire",
            )
