"""The admin's statistics page: how people answered one revision, and how well it measures.

Per revision, filtered by when submissions were started, their language and
their answer-quality flags: who finished and where people left, how each
reason's scores spread, whether its statements hang together, and how each
statement was answered, every figure with the number of people behind it.

The database counts (one aggregate: who started, reached each step and
completed, and the answer-quality flags) and hands over the completed
submissions' answers in one read; `assessments.statistics` computes the rest
with numpy. So the page makes the same few queries for ten submissions or a
million. What is computed from the answers is cached for a few minutes under
a key that changes as soon as a submission is completed or deleted, and the
page says when it was computed; the counts are read afresh on every view.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import operator
import time

import numpy as np
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
)
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from . import statistics
from .models import FrozenQuestionnaire, FrozenReason, Revision, Submission
from .quality import Flag
from .scoring import Band

# Unfinished submissions younger than this may still be answered: the funnel
# leaves out everything started since, so that nobody counts as having left.
STILL_ANSWERING = datetime.timedelta(hours=1)
CACHE_SECONDS = 5 * 60
# Part of the cache key: raise it when what is cached changes shape.
FIGURES_VERSION = 1
# Bands in the order a reason's scale runs, "not enough to tell" last.
BAND_ORDER = (Band.FITS, Band.NO_LEAN, Band.SOME, Band.STRONG, Band.UNCLEAR)
PERMISSION = "assessments.view_submission"
NOT_A_DAY = gettext_lazy("Enter a day that exists, as YYYY-MM-DD: for example 2026-03-01.")


# -- The filters ----------------------------------------------------------------


class StatisticsForm(forms.Form):
    """Which submissions the figures describe. Every field may be left empty."""

    revision = forms.TypedChoiceField(
        label=gettext_lazy("Revision"),
        coerce=int,
        required=False,
        help_text=gettext_lazy("Figures are per revision: each one asks its own statements."),
    )
    started_from = forms.DateField(
        label=gettext_lazy("Started from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": NOT_A_DAY},
        help_text=gettext_lazy("The first day included, in UTC."),
    )
    started_to = forms.DateField(
        label=gettext_lazy("Started until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": NOT_A_DAY},
        help_text=gettext_lazy("The last day included, in UTC."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    leave_out_flagged = forms.BooleanField(
        label=gettext_lazy("Leave out flagged submissions"),
        required=False,
        help_text=gettext_lazy(
            "Leave every submission with an answer-quality flag out of every figure below."
        ),
    )

    def __init__(self, data, revisions: list[Revision]):
        super().__init__(data)
        self.revisions = {revision.pk: revision for revision in revisions}
        self.fields["revision"].choices = [(revision.pk, str(revision)) for revision in revisions]
        self.fields["language"].choices = [("", _("All languages")), *settings.LANGUAGES]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("started_from"), cleaned.get("started_to")
        if first and last and first > last:
            raise ValidationError(
                _("The first day is after the last one. Swap the two dates."), code="date_order"
            )
        return cleaned

    @property
    def chosen_revision(self) -> Revision:
        return self.revisions[self.cleaned_data["revision"]]

    def submissions(self) -> QuerySet:
        """Return the revision's submissions started in the period, in the language chosen."""
        data = self.cleaned_data
        chosen = Submission.objects.filter(revision=self.chosen_revision).order_by()
        zone = timezone.get_current_timezone()
        if data["started_from"]:
            first = datetime.datetime.combine(data["started_from"], datetime.time.min, zone)
            chosen = chosen.filter(started_at__gte=first)
        if data["started_to"]:
            last = datetime.datetime.combine(data["started_to"], datetime.time.max, zone)
            chosen = chosen.filter(started_at__lte=last)
        if data["language"]:
            chosen = chosen.filter(language=data["language"])
        return chosen


def default_revision(revisions: list[Revision]) -> Revision | None:
    """Return the latest revision of the questionnaire the site offers, as `latest_open` does.

    From the list already read for the form, so that it costs no query.
    """
    published = [revision for revision in revisions if revision.questionnaire.published]
    live = [
        revision
        for revision in published
        if revision.questionnaire.slug == settings.MLFIT_QUESTIONNAIRE_SLUG
    ]
    candidates = live or published or revisions
    return max(candidates, key=lambda revision: revision.number, default=None)


# -- The figures ------------------------------------------------------------------


def counts(submissions: QuerySet, steps: int, leave_out_flagged: bool) -> dict:
    """Count, in one query, who started, who reached each step, who completed, and the flags.

    The funnel counts the submissions started before STILL_ANSWERING ago
    (and without a flag, if flagged ones are left out): a step is reached by
    a submission that was shown it or a later one, or completed. The flags
    are counted on every completed submission, flagged or not. The counts of
    completed submissions and the latest completion make the cache key.
    """
    completed = Q(completed_at__isnull=False)
    kept = Q(quality_flags="") if leave_out_flagged else Q()
    settled = Q(started_at__lt=timezone.now() - STILL_ANSWERING)
    counted = kept & settled
    # Shown: its [shown, answered] pair holds a time where "shown" is.
    shown = [
        Q(**{f"step_times__{index}__0__isnull": False}) & ~Q(**{f"step_times__{index}__0": None})
        for index in range(steps)
    ]
    reached = {
        f"reached_{number}": Count(
            "pk", filter=counted & functools.reduce(operator.or_, shown[number - 1 :], completed)
        )
        for number in range(1, steps + 1)
    }
    return submissions.aggregate(
        started=Count("pk", filter=counted),
        finished=Count("pk", filter=counted & completed),
        still_answering=Count("pk", filter=kept & ~settled),
        completed=Count("pk", filter=completed),
        flagged=Count("pk", filter=completed & ~Q(quality_flags="")),
        last_completed=Max("completed_at"),
        **reached,
        **{
            f"flag_{index}": Count("pk", filter=completed & Q(quality_flags__contains=flag))
            for index, flag in enumerate(Flag.ALL)
        },
    )


def funnel(counted: dict, steps: int) -> statistics.Funnel:
    """Return where people left, from the counts."""
    return statistics.dropoff(
        [counted[f"reached_{number}"] for number in range(1, steps + 1)],
        counted["finished"],
        counted["started"],
    )


def compute(frozen: FrozenQuestionnaire, completed: QuerySet) -> dict:
    """Return the figures of the completed submissions, from one read of their answers.

    The database works out how long each took; numpy does the rest.
    """
    began = time.perf_counter()
    rows = list(
        completed.values_list(
            "answers",
            ExpressionWrapper(F("completed_at") - F("started_at"), output_field=DurationField()),
        )
    )
    values = statistics.answer_array([answers for answers, _took in rows], frozen.statement_count)
    reasons = tuple(reason_figures(reason, values) for reason in frozen.reasons)
    took = np.array([took for _answers, took in rows], dtype="timedelta64[us]")
    return {
        "computed_at": timezone.now(),
        "median_seconds": float(np.median(took) / np.timedelta64(1, "s")) if rows else None,
        "completed": len(rows),
        "reasons": reasons,
        "concerns": statistics.warnings_for(reasons),
        "seconds": time.perf_counter() - began,
    }


def reason_figures(reason: FrozenReason, values: np.ndarray) -> statistics.ReasonStats:
    """Return one reason's statistics, its bands read as the results page reads them."""
    statements = reason.statements
    bands = statistics.reason_bands(
        values[:, [statement.position for statement in statements]],
        [statement.direction for statement in statements],
        [statement.weight for statement in statements],
        reason.some_signs_from,
        reason.strong_signs_from,
    )
    return statistics.reason_stats(
        reason.key,
        values,
        statements,
        bands=bands,
        band_order=[int(band) for band in BAND_ORDER],
    )


def cache_key(form: StatisticsForm, counted: dict) -> str:
    """Return a key that changes with the filters and whenever a submission is completed or deleted.

    What is cached is computed from the completed submissions only, so
    people moving through the steps do not make it stale.
    """
    data = form.cleaned_data
    parts = [
        FIGURES_VERSION,
        form.chosen_revision.pk,
        form.chosen_revision.digest,
        data["started_from"],
        data["started_to"],
        data["language"],
        data["leave_out_flagged"],
        counted["completed"],
        counted["flagged"],
        counted["last_completed"],
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"mlfit:statistics:{digest}"


# -- Words and drawings -----------------------------------------------------------


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def duration(seconds: float | None) -> str:
    """Return a time as people say it: "6 min 12 s", "45 s"."""
    if seconds is None:
        return "—"
    minutes, seconds = divmod(round(seconds), 60)
    if not minutes:
        return _("%(seconds)d s") % {"seconds": seconds}
    return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}


def concern_text(concern: statistics.Concern, frozen: FrozenQuestionnaire) -> str:
    """Return a warning in plain words, naming the reason or the statement."""
    reason = next(reason for reason in frozen.reasons if reason.key == concern.reason)
    if concern.kind == statistics.LOW_ALPHA:
        return _(
            "The statements of “%(reason)s” may not measure one thing together: their "
            "Cronbach's alpha is %(value).2f, below %(floor).2f."
        ) % {"reason": reason.title, "value": concern.value, "floor": concern.floor}
    statement = next(s for s in reason.statements if s.key == concern.statement)
    return _(
        "“%(statement)s” (%(reason)s): this statement may not measure what the others in its "
        "reason measure. Its correlation with the rest of the reason is %(value).2f, below "
        "%(floor).2f."
    ) % {
        "statement": statement.text,
        "reason": reason.title,
        "value": concern.value,
        "floor": concern.floor,
    }


# The histogram's drawing area, in SVG units; CSS scales it to the page.
CHART_WIDTH, CHART_HEIGHT = 420, 156
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 22, 398, 12, 120
AXIS_SCORES = (-100, -50, 0, 50, 100)


def histogram(distribution: statistics.ScoreDistribution, reason: FrozenReason) -> dict:
    """Lay out a reason's score histogram: one bar per bin of 10 points, scaled to the tallest."""
    tallest = max((bin.count for bin in distribution.bins), default=0) or 1
    span = PLOT_RIGHT - PLOT_LEFT
    step = span / len(distribution.bins)
    bars = []
    for index, bin in enumerate(distribution.bins):
        height = (PLOT_BOTTOM - PLOT_TOP) * bin.count / tallest
        last = bin.high if index == len(distribution.bins) - 1 else bin.high - 1
        bars.append(
            {
                "x": round(PLOT_LEFT + index * step + 1, 2),
                "y": round(PLOT_BOTTOM - height, 2),
                "width": round(step - 2, 2),
                "height": round(height, 2),
                "low": bin.low,
                "high": last,
                "count": bin.count,
                "percent": percent(bin.count, distribution.count),
            }
        )
    return {
        "id": f"histogram-{reason.key}",
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "bottom": PLOT_BOTTOM,
        "label_y": PLOT_BOTTOM + 16,
        "direction_y": PLOT_BOTTOM + 28,
        "bars": bars,
        "axis": [
            {"x": round(PLOT_LEFT + (score + 100) / 200 * span, 2), "label": score}
            for score in AXIS_SCORES
        ],
        "thresholds": [
            {"x": round(PLOT_LEFT + (score + 100) / 200 * span, 2), "score": score}
            for score in (-reason.some_signs_from, reason.some_signs_from, reason.strong_signs_from)
        ],
    }


def reason_section(stats: statistics.ReasonStats, reason: FrozenReason) -> dict:
    """Return what the page shows of one reason, its numbers paired with their words."""
    scores = stats.scores
    return {
        "reason": reason,
        "stats": stats,
        "histogram": histogram(scores, reason),
        "bands": [
            {"label": Band(share.band).label, "count": share.count, "percent": 100 * share.share}
            for share in scores.bands
        ],
        "statements": [
            {
                "statement": statement,
                "stats": described,
                "percents": [percent(count, described.answered) for count in described.counts],
                "neutral_percent": None
                if described.neutral_share is None
                else 100 * described.neutral_share,
                "item_total": item_total,
                "low_item_total": item_total is not None
                and item_total < statistics.ITEM_TOTAL_FLOOR,
                "alpha_if_deleted": without,
            }
            for statement, described, item_total, without in zip(
                reason.statements,
                stats.statements,
                stats.item_total,
                stats.alpha_if_deleted,
                strict=True,
            )
        ],
    }


def page_context(figures: dict, counts: dict, frozen: FrozenQuestionnaire) -> dict:
    """Return the counts and figures with their words, in the language of the page."""
    left = funnel(counts, len(frozen.reasons))
    titles = [reason.title for reason in frozen.reasons]
    return {
        "figures": figures,
        "funnel": left,
        "completion_percent": None if left.completion_rate is None else 100 * left.completion_rate,
        "steps": [
            {
                "step": step,
                "title": title,
                "left_percent": None if step.left_share is None else 100 * step.left_share,
            }
            for step, title in zip(left.steps, titles, strict=True)
        ],
        "median_time": duration(figures["median_seconds"]),
        "flags": [
            {
                "label": Flag.LABELS[flag],
                "count": counts[f"flag_{index}"],
                "percent": percent(counts[f"flag_{index}"], counts["completed"]),
            }
            for index, flag in enumerate(Flag.ALL)
        ],
        "flagged_percent": percent(counts["flagged"], counts["completed"]),
        "concerns": [concern_text(concern, frozen) for concern in figures["concerns"]],
        "reasons": [
            reason_section(stats, reason)
            for stats, reason in zip(figures["reasons"], frozen.reasons, strict=True)
        ],
    }


# -- The view -----------------------------------------------------------------------


def cached_figures(form: StatisticsForm, frozen: FrozenQuestionnaire) -> tuple[dict, dict, bool]:
    """Return the counts of the submissions the form chose, their figures, and whether cached.

    The counts are read every time (one aggregate): they make the cache key.
    """
    submissions = form.submissions()
    leave_out = form.cleaned_data["leave_out_flagged"]
    counted = counts(submissions, len(frozen.reasons), leave_out)
    key = cache_key(form, counted)
    figures = cache.get(key)
    if figures is not None:
        return counted, figures, True
    completed = submissions.filter(completed_at__isnull=False)
    figures = compute(frozen, completed.filter(quality_flags="") if leave_out else completed)
    cache.set(key, figures, CACHE_SECONDS)
    return counted, figures, False


@require_safe
def statistics_view(request: HttpRequest) -> HttpResponse:
    """Show the statistics of one revision's submissions; a 400 with the errors for bad filters."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    revisions = list(
        Revision.objects.select_related("questionnaire")
        .without_content()
        .order_by("questionnaire__slug", "-number")
    )
    data = request.GET.copy()
    if not data.get("revision") and (chosen := default_revision(revisions)) is not None:
        data["revision"] = str(chosen.pk)
    form = StatisticsForm(data, revisions)
    context = {
        **admin.site.each_context(request),
        "title": _("Statistics"),
        "form": form,
        "has_revisions": bool(revisions),
    }
    if not revisions:
        return TemplateResponse(request, "admin/statistics.html", context)
    if not form.is_valid():
        return TemplateResponse(request, "admin/statistics.html", context, status=400)
    revision = form.chosen_revision
    frozen = revision.frozen
    counted, figures, cached = cached_figures(form, frozen)
    context.update(
        page_context(figures, counted, frozen),
        revision=revision,
        questionnaire=frozen,
        counts=counted,
        cached=cached,
        cache_minutes=CACHE_SECONDS // 60,
        leave_out_flagged=form.cleaned_data["leave_out_flagged"],
        still_answering_hours=int(STILL_ANSWERING.total_seconds() // 3600),
        alpha_floor=statistics.ALPHA_FLOOR,
        item_total_floor=statistics.ITEM_TOTAL_FLOOR,
    )
    return TemplateResponse(request, "admin/statistics.html", context)
