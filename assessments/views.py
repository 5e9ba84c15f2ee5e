"""The respondent's journey: landing page, one page per reason, results."""

from __future__ import annotations

import contextlib
import html
import json
import secrets
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mlfit.ratelimit import limit_posts

from . import chart, pdf, preview, quality, roles, scoring, standing, summary
from .forms import StepForm
from .models import (
    AlreadyComplete,
    DeletedSubmission,
    FrozenReason,
    ReasonScoreCount,
    Revision,
    Submission,
    owner_key_for,
)
from .scoring import SCALE_LABELS

# A respondent's browser is known by a signed cookie, not a database session:
# it holds the secret that owns its submissions and the one being answered,
# so answering never reads or writes a session row (admins still have them).
OWNER_COOKIE = "mlfit_owner"
OWNER_SALT = "mlfit.owner"
RESULTS_CACHE_SECONDS = 24 * 60 * 60
# Part of the results page's cache key: raise it when the page's text changes.
RESULTS_PAGE_VERSION = 3
# The results page's cached parts (its template's {% cache %} names).
RESULTS_FRAGMENTS = ("results-head", "results", "results-profile", "results-details")
# How many of the strongest reasons have their details open on the results page.
OPEN_REASONS = 2
# How many of this browser's earlier results the landing page lists.
EARLIER_RESULTS = 5
# The article the questionnaire is built on, credited on the landing and results pages.
SOURCE_ARTICLE = {
    "title": "Top 5 reasons not to become a Machine Learning Engineer",
    "url": "https://pub.towardsai.net/top-5-reasons-not-to-become-a-machine-learning-engineer-75a2d5472e11",
    "publisher": "Towards AI",
}


# -- Helpers ------------------------------------------------------------------


def owner_cookie(request: HttpRequest) -> tuple[str | None, str | None]:
    """Return (owner secret, id of the submission being answered) from this browser's cookie.

    A cookie that was tampered with, or is older than the session age, counts as none.
    """
    value = request.get_signed_cookie(
        OWNER_COOKIE, default="", salt=OWNER_SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    token, _, current = value.partition(":")
    return token or None, current or None


def owner_token(request: HttpRequest) -> str | None:
    """Return the secret that ties this browser to its submissions."""
    return owner_cookie(request)[0]


def remember_owner(response: HttpResponse, token: str, current: str = "") -> HttpResponse:
    """Keep the owner secret, and the submission being answered, in this browser."""
    response.set_signed_cookie(
        OWNER_COOKIE,
        f"{token}:{current}",
        salt=OWNER_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def problem(
    request: HttpRequest,
    status: int,
    title: str,
    message: str,
    next_step: tuple[str, str] | None = None,
) -> HttpResponse:
    """Return a page that says what went wrong and what the person can do next.

    `next_step` is an optional (url, label) offered before the home page.
    """
    return render(
        request,
        "assessments/problem.html",
        {"title": title, "message": message, "status": status, "next_step": next_step},
        status=status,
    )


def current_submission(request: HttpRequest) -> Submission | None:
    """Return the unfinished submission this browser was last working on, if any."""
    token, submission_id = owner_cookie(request)
    if not token or not submission_id:
        return None
    return (
        Submission.objects.in_progress()
        .owned_by(token)
        .filter(pk=submission_id)
        .select_related("revision")
        .defer("revision__content")
        .first()
    )


def lookup(request: HttpRequest, submission_id: uuid.UUID) -> Submission | HttpResponse:
    """Return the submission, or the page saying its owner deleted it; 404 if there never was one."""
    submission = Submission.objects.page_lookup(submission_id)
    if submission is not None:
        return submission
    if DeletedSubmission.was_deleted(submission_id):
        return problem(
            request,
            410,
            _("These results were deleted"),
            _(
                "The person who answered this questionnaire deleted it. Nothing of their answers "
                "or results is kept, so this link no longer shows anything."
            ),
        )
    raise Http404("No such submission.")


def owned_submission(
    request: HttpRequest, submission_id: uuid.UUID, refusal: tuple[str, str] | None = None
) -> Submission | HttpResponse:
    """Return the submission if this browser may change it, else a page saying why not.

    `refusal` is the (title, message) of that page when it is not about answering.
    """
    submission = lookup(request, submission_id)
    if isinstance(submission, HttpResponse):
        return submission
    if not submission.is_owned_by(owner_token(request)):
        title, message = refusal or (
            _("This questionnaire belongs to another browser"),
            _(
                "Answers can only be changed in the browser that started them. "
                "You can start your own questionnaire from the home page."
            ),
        )
        next_step = (submission.get_absolute_url(), _("Back to the results")) if refusal else None
        return problem(request, 403, title, message, next_step=next_step)
    return submission


# The query parameter, and form field, of a step opened with "Change" from the check page.
CHECKING = "checking"


def step_url(submission: Submission, number: int) -> str:
    return reverse("assessments:step", args=[submission.pk, number])


# -- Views ----------------------------------------------------------------------


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """Answer "ok": for load balancers and uptime checks, and the benchmark's baseline."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


# HEAD is answered wherever GET is (require_safe). Pages that show a person's
# own answers or offer their questionnaire in progress are never stored by a
# browser or a proxy (never_cache: "private, no-store").


@require_safe
@never_cache
def landing(request: HttpRequest) -> HttpResponse:
    revision = Revision.objects.latest_open()
    if revision is None:
        return problem(
            request,
            503,
            _("The questionnaire is not open right now"),
            _("No questionnaire has been published yet. Please come back later."),
        )
    submission = current_submission(request)
    if submission is not None and submission.revision.questionnaire_id != revision.questionnaire_id:
        submission = None
    frozen = revision.frozen
    # This browser's finished questionnaires, newest first, to come back to or compare.
    earlier = Submission.objects.earlier_results(owner_token(request)).only("pk", "completed_at")
    return render(
        request,
        "assessments/landing.html",
        {
            "questionnaire": frozen,
            "submission": submission,
            "earlier": earlier[:EARLIER_RESULTS],
            "source": SOURCE_ARTICLE,
            "steps": frozen.reasons,
            "step_count": len(frozen.reasons),
            "statement_count": frozen.statement_count,
        },
    )


@require_POST
@limit_posts("start", "MLFIT_START_LIMIT")
def start(request: HttpRequest) -> HttpResponse:
    revision = Revision.objects.latest_open()
    if revision is None or not revision.frozen.reasons:
        return problem(
            request,
            503,
            _("The questionnaire is not open right now"),
            _("There is nothing to answer yet. Please come back later."),
        )
    current = current_submission(request)
    token = renewed_owner_token(request)
    if current is not None and current.revision_id == revision.pk and not current.answered_count:
        # Start pressed again before answering anything: carry on with that one
        # rather than leave an empty submission behind each time.
        return remember_owner(redirect(step_url(current, 1)), token, str(current.pk))
    submission = Submission.objects.create(
        revision=revision,
        owner_key=owner_key_for(token),
        language=translation.get_language(),
        answers="0" * revision.frozen.statement_count,
    )
    return remember_owner(redirect(step_url(submission, 1)), token, str(submission.pk))


def renewed_owner_token(request: HttpRequest) -> str:
    """Return a new owner secret for this browser, moving its submissions over to it.

    Done at every Start, as Django cycles a session key at login: a secret
    planted in the browser by someone else (session fixation) owns nothing
    once the person starts, so it can never be used to change their answers.
    The browser keeps its earlier results.
    """
    token = secrets.token_urlsafe(32)
    old = owner_token(request)
    if old:
        Submission.objects.owned_by(old).update(owner_key=owner_key_for(token))
    return token


@require_safe
@never_cache
def resume(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    submission = owned_submission(request, submission_id)
    if isinstance(submission, HttpResponse):
        return submission
    if submission.is_complete:
        return redirect(submission)
    open_step = submission.first_open_step()
    if open_step is None:
        # Everything is answered: what is left is to check and confirm.
        return redirect("assessments:check", submission.pk)
    return redirect(step_url(submission, open_step.number))


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@limit_posts("post", "MLFIT_POST_LIMIT")
def step(request: HttpRequest, submission_id: uuid.UUID, number: int) -> HttpResponse:
    submission = owned_submission(request, submission_id)
    if isinstance(submission, HttpResponse):
        return submission
    if submission.is_complete:
        if request.method == "GET":
            return redirect(submission)
        return already_complete(request, submission)
    steps = submission.frozen.reasons
    if not 1 <= number <= len(steps):
        return problem(
            request,
            404,
            _("There is no such step"),
            ngettext(
                "This questionnaire has %(count)d step. Continue where you left off instead.",
                "This questionnaire has %(count)d steps. Continue where you left off instead.",
                len(steps),
            )
            % {"count": len(steps)},
        )
    current = steps[number - 1]
    values = submission.answer_values()
    open_step = submission.first_open_step(values)
    if open_step is not None and number > open_step.number:
        # Steps are answered in order; send the person to the first gap.
        messages.info(request, _("Please answer this step first."))
        return redirect(step_url(submission, open_step.number))
    if request.method == "POST":
        return post_step(request, submission, current, values)
    if request.method == "GET":
        submission.record_shown(current)
    form = StepForm(statements=current.statements, initial=initial_values(current, values))
    return render_step(request, submission, current, form, checking=CHECKING in request.GET)


def post_step(
    request: HttpRequest, submission: Submission, current: FrozenReason, values: list[int]
) -> HttpResponse:
    """Save a posted step, Next or Back, then go where the person asked to go.

    After the last step, or a step opened with "Change" from the check page,
    Next leads to the check page, where the answers are confirmed.
    """
    number = current.number
    checking = CHECKING in request.POST
    form = StepForm(
        request.POST, statements=current.statements, initial=initial_values(current, values)
    )
    valid = form.is_valid()
    # Whatever was validly answered is kept, even when the step is not complete,
    # so that going Back, switching language or leaving never loses an answer.
    try:
        submission.save_step(form.answers())
    except AlreadyComplete:
        return already_complete(request, submission)
    if "language" in request.POST:
        here = step_url(submission, number) + (f"?{CHECKING}" if checking else "")
        return switch_language(request, submission, here)
    submission.record_language(translation.get_language())
    if request.POST.get("action") == "back":
        if checking:  # back to the check page it was opened from (or the first gap)
            return redirect("assessments:resume", submission.pk)
        if number == 1:
            return redirect("assessments:landing")
        return redirect(step_url(submission, number - 1))
    if not valid:
        return render_step(request, submission, current, form, checking=checking)
    if number < len(submission.frozen.reasons) and not checking:
        return redirect(step_url(submission, number + 1))
    # The resume page sends the person to the first gap, or to the check page.
    return redirect("assessments:resume", submission.pk)


def already_complete(request: HttpRequest, submission: Submission) -> HttpResponse:
    return problem(
        request,
        409,
        _("This questionnaire is already finished"),
        _(
            "Its answers can no longer be changed, and nothing you just sent was saved. "
            "Your results are ready."
        ),
        next_step=(submission.get_absolute_url(), _("See your results")),
    )


def switch_language(request: HttpRequest, submission: Submission, url: str) -> HttpResponse:
    """Come back to the same page in the language the person picked.

    The step page's language buttons post the step form itself, so answers
    chosen but not yet saved are kept; this is Django's set_language otherwise.
    """
    response = redirect(url)
    language = request.POST["language"]
    if language in dict(settings.LANGUAGES):
        submission.record_language(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def initial_values(current: FrozenReason, values: list[int]) -> dict[str, int]:
    return {
        StepForm.field_name(statement): values[statement.position]
        for statement in current.statements
        if values[statement.position]
    }


# How long a statement takes to answer, for the time left on a step page.
SECONDS_PER_STATEMENT = 10


def time_left(statements: int) -> str:
    """Return roughly how long `statements` more statements take: "About 2 minutes left".

    Whole minutes, rounded up; under a minute says so, and nothing left says nothing.
    """
    seconds = statements * SECONDS_PER_STATEMENT
    if seconds <= 0:
        return ""
    if seconds < 60:
        return _("Less than a minute left")
    minutes = -(-seconds // 60)
    return ngettext("About %(count)d minute left", "About %(count)d minutes left", minutes) % {
        "count": minutes
    }


def render_step(
    request: HttpRequest,
    submission: Submission,
    current: FrozenReason,
    form: StepForm,
    *,
    checking: bool = False,
) -> HttpResponse:
    """Show a step with how far the person is: statements answered and the time left.

    The page's script moves both on as answers are chosen, from the answers
    given on the other steps and the time left for each count still to come.
    """
    frozen = submission.frozen
    step_count = len(frozen.reasons)
    values = submission.answer_values()
    answered = sum(1 for value in values if value)
    here = {statement.position for statement in current.statements}
    elsewhere = sum(1 for position, value in enumerate(values) if value and position not in here)
    open_at_most = frozen.statement_count - elsewhere
    return render(
        request,
        "assessments/step.html",
        {
            "submission": submission,
            "questionnaire": frozen,
            "step": current,
            "step_count": step_count,
            "form": form,
            "is_last": current.number == step_count,
            "checking": checking,
            "step_url": step_url(submission, current.number),
            "statement_count": frozen.statement_count,
            "answered_count": answered,
            "answered_elsewhere": elsewhere,
            "time_left": time_left(frozen.statement_count - answered),
            "time_left_texts": json.dumps(
                {
                    count: time_left(count)
                    for count in range(open_at_most - len(current.statements), open_at_most + 1)
                },
                ensure_ascii=False,
            ),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@limit_posts("post", "MLFIT_POST_LIMIT")
def check(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    """Show every answer with a way to change it; Confirm completes the submission."""
    submission = owned_submission(request, submission_id)
    if isinstance(submission, HttpResponse):
        return submission
    if submission.is_complete:
        # Confirm pressed twice, or the page reloaded afterwards: the results are ready.
        return redirect(submission)
    values = submission.answer_values()
    open_step = submission.first_open_step(values)
    if open_step is not None:
        messages.info(request, _("Please answer every statement before checking your answers."))
        return redirect(step_url(submission, open_step.number))
    if request.method == "POST":
        with contextlib.suppress(AlreadyComplete):  # a double submit completed it already
            submission.save_step({}, complete=True)
        submission.record_language(translation.get_language())
        # Nothing is being answered any more: the landing page offers a new start.
        return remember_owner(redirect(submission), owner_token(request))
    frozen = submission.frozen
    steps = [
        (
            reason.number,
            [
                (
                    statement,
                    SCALE_LABELS[values[statement.position]],
                    f"{step_url(submission, reason.number)}?{CHECKING}"
                    f"#fs-id_{StepForm.field_name(statement)}",
                )
                for statement in reason.statements
            ],
        )
        for reason in frozen.reasons
    ]
    names = {
        reason.key: _("step %(number)d") % {"number": reason.number} for reason in frozen.reasons
    }
    return render(
        request,
        "assessments/check.html",
        {
            "submission": submission,
            "steps": steps,
            "statement_count": frozen.statement_count,
            "quality_notes": quality.explain(submission.quality(values), names),
        },
    )


def finished(request: HttpRequest, submission_id: uuid.UUID) -> Submission | HttpResponse:
    """Return the completed submission behind a results link, or the page to show instead.

    Its `viewer_is_owner` says whether this browser answered it.
    """
    submission = lookup(request, submission_id)
    if isinstance(submission, HttpResponse):
        return submission
    submission.viewer_is_owner = submission.is_owned_by(owner_token(request))
    if not submission.is_complete:
        if submission.viewer_is_owner:
            return redirect("assessments:resume", submission.pk)
        return problem(
            request,
            404,
            _("These results are not ready"),
            _("This questionnaire has not been finished yet, so there are no results to show."),
        )
    return submission


def private(response: HttpResponse) -> HttpResponse:
    """Mark a response from a results link: search engines that come across it should not list it."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@never_cache
def results(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    submission = finished(request, submission_id)
    if isinstance(submission, HttpResponse):
        return submission
    is_owner = submission.viewer_is_owner
    previous = submission.previous_result() if is_owner else None
    return private(
        render(
            request,
            "assessments/results.html",
            {
                "submission": submission,
                "questionnaire": submission.frozen,
                # Scored only when the page is not in the cache yet: a finished
                # submission's result never changes, so its text is kept once written.
                "reading": SimpleLazyObject(lambda: reading(submission)),
                "cache_seconds": RESULTS_CACHE_SECONDS,
                "page_version": RESULTS_PAGE_VERSION,
                "language": translation.get_language(),
                "is_owner": is_owner,
                "previous": previous,
                "changes": summary.changes(previous.result(), submission.result())
                if previous
                else [],
                "share_url": request.build_absolute_uri(submission.get_absolute_url()),
                "preview_url": request.build_absolute_uri(
                    reverse("assessments:results_preview", args=[submission.pk])
                ),
                "source": SOURCE_ARTICLE,
                "standings": standings(submission),
            },
        )
    )


def standings(submission: Submission) -> list[standing.Standing]:
    """Return where the person's scores stand among the people who took the same revision.

    One query reads the revision's norms. Not cached with the page: they
    change as people complete, while the page's text does not. Nothing is
    said before enough people took the revision, nor for answers that do not
    give a clear picture (a percentile would lend them a precision they lack).
    """
    counts = ReasonScoreCount.objects.counts_for(submission.revision_id)
    minimum = settings.MLFIT_NORMS_MIN
    if not any(count.sum() >= minimum for count in counts.values()):
        return []
    values = submission.answer_values()
    if submission.quality(values).is_low:
        return []
    return standing.standings(submission.result(), counts, minimum)


def reading(submission: Submission) -> dict:
    """Return what the results page says: the profile, the answers' quality, what to do next."""
    values = submission.answer_values()
    result = submission.result()
    checked = submission.quality(values)
    frozen = submission.frozen
    titles = {reason.key: str(reason.title) for reason in frozen.reasons}
    # Suggestions drawn from answers that do not give a clear picture would mislead.
    suggested = [] if checked.is_low else roles.suggest(result, frozen.roles)
    return {
        "result": result,
        "quality": checked,
        "quality_notes": quality.explain(checked, titles),
        "headline": summary.headline(result, checked),
        "chart": chart.profile_chart(result),
        "roles": suggested,
        "roles_rule": roles.RULE,
        "experiments": [] if checked.is_low else roles.experiments(result, frozen.reasons),
        # The strongest reasons' details are open; the rest are a click away.
        "open_reasons": {reason.key for reason in result.flagged[:OPEN_REASONS]},
        # Completed before the check existed: no step was ever timed then,
        # while every submission confirmed since has its steps' times.
        "read_again": not submission.step_times,
        "calibrated_on": scoring.CALIBRATED_ON,
    }


@require_safe
def results_pdf(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    """The results as an A4 PDF, made on the server and kept in the cache once made."""
    submission = finished(request, submission_id)
    if isinstance(submission, HttpResponse):
        return submission
    language = translation.get_language()
    key = cached_key("pdf", submission.pk, language)
    document = cache.get(key)
    if document is None:
        link = request.build_absolute_uri(submission.get_absolute_url())
        document = pdf.results_pdf(report(submission, reading(submission), link))
        cache.set(key, document, RESULTS_CACHE_SECONDS)
    response = HttpResponse(document, content_type="application/pdf")
    day = timezone.localtime(submission.completed_at).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mlfit-results-{day}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return private(response)


def report(submission: Submission, read: dict, link: str) -> pdf.Report:
    """Fill the PDF's report with what the results page says, in the active language."""
    result = read["result"]
    reasons = []
    for reason in result.ranked:
        evidence = []
        if reason.signals:
            evidence.append((_("Answers that say it may wear on you"), quoted(reason.signals)))
        if reason.strengths:
            evidence.append((_("Answers that say it fits you"), quoted(reason.strengths)))
        reasons.append(
            pdf.ReasonSection(
                title=str(reason.title),
                band_label=str(reason.band_label),
                summary=str(reason.ref.summary),
                evidence=evidence,
                why_it_matters=str(reason.ref.why_it_matters),
                advice=str(reason.ref.advice),
            )
        )
    return pdf.Report(
        language=translation.get_language(),
        site_name="mlfit",
        title=str(submission.frozen.title),
        completed_on=date_format(timezone.localtime(submission.completed_at), "DATE_FORMAT"),
        headline=strip_tags(read["headline"]),
        quality_notes=[str(note) for note in read["quality_notes"]],
        rows=chart.rows(result),
        reasons=reasons,
        roles=[(str(s.role.title), html.unescape(strip_tags(s.why))) for s in read["roles"]],
        roles_rule=str(read["roles_rule"]),
        experiments=[str(text) for text in read["experiments"]],
        link=link,
        credit=source_credit(),
    )


def quoted(signals) -> list[tuple[str, str]]:
    return [(str(signal.statement), str(signal.answer_label)) for signal in signals]


@require_safe
def results_preview(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    """The link-preview image: the five bars, no statement and no answer; drawn once, then cached.

    In the language the questionnaire was answered in, whoever asks: a link
    preview is fetched by the messaging app, not by the person reading it.
    """
    submission = finished(request, submission_id)
    if isinstance(submission, HttpResponse):
        return submission
    key = cached_key("preview", submission.pk, submission.language)
    image = cache.get(key)
    if image is None:
        with translation.override(submission.language):
            image = preview.preview_png(
                str(submission.frozen.title), chart.rows(submission.result())
            )
        cache.set(key, image, RESULTS_CACHE_SECONDS)
    response = HttpResponse(image, content_type="image/png")
    response["Cache-Control"] = f"private, max-age={RESULTS_CACHE_SECONDS}"
    return private(response)


def cached_key(kind: str, pk: uuid.UUID, language: str) -> str:
    return f"mlfit:{kind}:{RESULTS_PAGE_VERSION}:{pk}:{language}"


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@limit_posts("post", "MLFIT_POST_LIMIT")
def delete_results(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    """Ask, then delete a submission for good: only from the browser that answered it."""
    submission = owned_submission(
        request,
        submission_id,
        refusal=(
            _("Only the person who answered can delete these results"),
            _(
                "These results can be deleted only in the browser that answered the "
                "questionnaire. Anyone else with the link can read them, but not delete them."
            ),
        ),
    )
    if isinstance(submission, HttpResponse):
        return submission
    if request.method == "POST":
        completed = submission.completed_at
        submission.delete_for_good()
        forget_cached(submission)
        if completed:
            day = date_format(timezone.localtime(completed), "DATE_FORMAT")
            messages.success(request, _("Your results of %(day)s were deleted.") % {"day": day})
        else:
            messages.success(request, _("Your unfinished questionnaire was deleted."))
        return redirect("assessments:landing")
    return render(request, "assessments/delete.html", {"submission": submission})


def forget_cached(submission: Submission) -> None:
    """Drop every cached copy of a submission's pages, PDF and image in every language."""
    keys = []
    for language, _name in settings.LANGUAGES:
        keys += [cached_key(kind, submission.pk, language) for kind in ("pdf", "preview")]
        keys += [
            make_template_fragment_key(
                fragment, [RESULTS_PAGE_VERSION, submission.pk, language, is_owner]
            )
            for fragment in RESULTS_FRAGMENTS
            for is_owner in (True, False)
        ]
    cache.delete_many(keys)


def source_credit() -> str:
    return _("Based on the article “%(title)s”.") % {"title": SOURCE_ARTICLE["title"]}


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return problem(
        request,
        403,
        _("Your page had expired"),
        _(
            "For your safety the form could not be sent. Go back, reload the page and try again; "
            "answers you already saved are kept."
        ),
    )
