"""The respondent's journey: landing page, one page per reason, results."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import StepForm
from .models import Questionnaire, Step, Submission, owner_key_for

OWNER_TOKEN = "mlfit_owner_token"
CURRENT_SUBMISSION = "mlfit_current_submission"


# -- Helpers ------------------------------------------------------------------


def owner_token(request: HttpRequest, *, create: bool = False) -> str | None:
    """Return the secret that ties this browser session to its submissions."""
    token = request.session.get(OWNER_TOKEN)
    if token is None and create:
        token = request.session[OWNER_TOKEN] = secrets.token_urlsafe(32)
    return token


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


def current_questionnaire() -> Questionnaire | None:
    """Return the questionnaire the landing page offers."""
    published = Questionnaire.objects.published()
    return (
        published.filter(slug=settings.MLFIT_QUESTIONNAIRE_SLUG).first()
        or published.order_by("pk").first()
    )


def current_submission(request: HttpRequest) -> Submission | None:
    """Return the unfinished submission this browser was last working on, if any."""
    token = owner_token(request)
    submission_id = request.session.get(CURRENT_SUBMISSION)
    if not token or not submission_id:
        return None
    return (
        Submission.objects.in_progress()
        .owned_by(token)
        .filter(pk=submission_id)
        .select_related("questionnaire")
        .first()
    )


def owned_submission(request: HttpRequest, submission_id: uuid.UUID) -> Submission | HttpResponse:
    """Return the submission if this browser may change it, else a page saying why not."""
    submission = get_object_or_404(
        Submission.objects.select_related("questionnaire"), pk=submission_id
    )
    if not submission.is_owned_by(owner_token(request)):
        return problem(
            request,
            403,
            _("This questionnaire belongs to another browser"),
            _(
                "Answers can only be changed in the browser that started them. "
                "You can start your own questionnaire from the home page."
            ),
        )
    return submission


def step_url(submission: Submission, number: int) -> str:
    return reverse("assessments:step", args=[submission.pk, number])


# -- Views ----------------------------------------------------------------------


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    questionnaire = current_questionnaire()
    if questionnaire is None:
        return problem(
            request,
            503,
            _("The questionnaire is not open right now"),
            _("No questionnaire has been published yet. Please come back later."),
        )
    submission = current_submission(request)
    if submission is not None and submission.questionnaire_id != questionnaire.pk:
        submission = None
    steps = questionnaire.steps()
    return render(
        request,
        "assessments/landing.html",
        {
            "questionnaire": questionnaire,
            "submission": submission,
            "steps": steps,
            "step_count": len(steps),
            "statement_count": sum(len(step.questions) for step in steps),
        },
    )


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    questionnaire = current_questionnaire()
    if questionnaire is None or not questionnaire.steps():
        return problem(
            request,
            503,
            _("The questionnaire is not open right now"),
            _("There is nothing to answer yet. Please come back later."),
        )
    token = owner_token(request, create=True)
    submission = Submission.objects.create(
        questionnaire=questionnaire,
        owner_key=owner_key_for(token),
        language=translation.get_language(),
    )
    request.session[CURRENT_SUBMISSION] = str(submission.pk)
    return redirect(step_url(submission, 1))


@require_GET
def resume(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    submission = owned_submission(request, submission_id)
    if isinstance(submission, HttpResponse):
        return submission
    if submission.is_complete:
        return redirect(submission)
    open_step = Submission.first_open_step(
        submission.questionnaire.steps(), submission.answer_values()
    )
    if open_step is None:
        submission.complete()
        return redirect(submission)
    return redirect(step_url(submission, open_step.number))


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, submission_id: uuid.UUID, number: int) -> HttpResponse:
    submission = owned_submission(request, submission_id)
    if isinstance(submission, HttpResponse):
        return submission
    if submission.is_complete:
        if request.method == "GET":
            return redirect(submission)
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
    steps = submission.questionnaire.steps()
    if request.method == "POST" and "reason" in request.POST:
        shown = shown_step(request.POST["reason"], steps)
        if shown is None or shown.number != number:
            return questionnaire_changed(request, submission, shown)
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
    open_step = Submission.first_open_step(steps, values)
    if open_step is not None and number > open_step.number:
        # Steps are answered in order; send the person to the first gap.
        messages.info(request, _("Please answer this step first."))
        return redirect(step_url(submission, open_step.number))
    if request.method == "POST":
        return post_step(request, submission, steps, number, values)
    form = StepForm(questions=current.questions, initial=initial_values(current, values))
    return render_step(request, submission, steps, current, form)


def post_step(
    request: HttpRequest,
    submission: Submission,
    steps: list[Step],
    number: int,
    values: dict[int, int],
) -> HttpResponse:
    """Save a posted step, Next or Back, then go where the person asked to go."""
    current = steps[number - 1]
    form = StepForm(
        request.POST, questions=current.questions, initial=initial_values(current, values)
    )
    valid = form.is_valid()
    # Whatever was validly answered is kept, even when the step is not complete,
    # so that going Back, switching language or leaving never loses an answer.
    submission.save_step(current, form.answers())
    if "language" in request.POST:
        return switch_language(request, submission, step_url(submission, number))
    submission.record_language(translation.get_language())
    if request.POST.get("action") == "back":
        if number == 1:
            return redirect("assessments:landing")
        return redirect(step_url(submission, number - 1))
    if not valid:
        return render_step(request, submission, steps, current, form)
    if number < len(steps):
        return redirect(step_url(submission, number + 1))
    if submission.complete():
        request.session.pop(CURRENT_SUBMISSION, None)
        return redirect(submission)
    messages.warning(
        request, _("A few statements still need an answer before your results are ready.")
    )
    return redirect("assessments:resume", submission.pk)


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


def shown_step(reason_id: str, steps: list[Step]) -> Step | None:
    """Return the step of the reason a posted page showed, or None if it is no longer asked."""
    return next((step for step in steps if str(step.category.pk) == reason_id), None)


def questionnaire_changed(request, submission: Submission, shown: Step | None) -> HttpResponse:
    """Keep what was answered on a page an admin changed meanwhile, and say so.

    Reasons may have been reordered, or a reason's statements deactivated,
    between the page being shown and posted: the answers still go to the
    reason the person saw.
    """
    if shown is not None:
        form = StepForm(request.POST, questions=shown.questions)
        form.is_valid()
        submission.save_step(shown, form.answers())
    messages.warning(
        request,
        _(
            "The questionnaire was updated while you were answering. Your answers are saved; "
            "please check this page and carry on."
        ),
    )
    return redirect("assessments:resume", submission.pk)


def initial_values(current: Step, values: dict[int, int]) -> dict[str, int]:
    return {StepForm.field_name(q): values[q.pk] for q in current.questions if q.pk in values}


def render_step(request, submission, steps, current, form) -> HttpResponse:
    return render(
        request,
        "assessments/step.html",
        {
            "submission": submission,
            "questionnaire": submission.questionnaire,
            "step": current,
            "step_count": len(steps),
            "progress": round(100 * (current.number - 1) / len(steps)),
            "form": form,
            "is_last": current.number == len(steps),
        },
    )


@require_GET
def results(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    submission = get_object_or_404(
        Submission.objects.select_related("questionnaire"), pk=submission_id
    )
    is_owner = submission.is_owned_by(owner_token(request))
    if not submission.is_complete:
        if is_owner:
            return redirect("assessments:resume", submission.pk)
        return problem(
            request,
            404,
            _("These results are not ready"),
            _("This questionnaire has not been finished yet, so there are no results to show."),
        )
    result = submission.result()
    return render(
        request,
        "assessments/results.html",
        {
            "submission": submission,
            "questionnaire": submission.questionnaire,
            "result": result,
            "is_owner": is_owner,
            "share_url": request.build_absolute_uri(submission.get_absolute_url()),
        },
    )


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
