"""The forms: one step of the questionnaire, and the admin's export of submissions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponseBase, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import scoring
from .exports import csv_response
from .models import FrozenStatement, Revision, Submission
from .widgets import StatementScales
from .workbook import too_many_rows, too_many_rows_message, xlsx_response

SCALE_CHOICES = [(str(value), label) for value, label in scoring.SCALE]
ERROR_MESSAGES = {
    "required": _("Please choose an answer for this statement."),
    "invalid_choice": _("Please choose one of the five answers for this statement."),
}


@lru_cache(maxsize=256)
def step_fields(statements: tuple[FrozenStatement, ...]) -> dict[str, forms.Field]:
    """Return the fields of a step, built once per step of a revision.

    A revision never changes, so neither do its steps' fields. Labels are
    the statements' texts, which read in the language of the page when shown.
    """
    return {
        StepForm.field_name(statement): forms.TypedChoiceField(
            label=statement.text,
            help_text=statement.help_text,
            choices=SCALE_CHOICES,
            coerce=int,
            widget=forms.RadioSelect,
            error_messages=ERROR_MESSAGES,
        )
        for statement in statements
    }


class StepForm(forms.Form):
    """One 5-point agreement scale per statement of a reason."""

    def __init__(self, *args, statements: tuple[FrozenStatement, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Shared, not deep-copied as Django does for declared fields: nothing
        # here changes a field or its widget (the layout object below writes
        # the markup without touching them), and copying six fields cost more
        # than building the rest of the form.
        self.fields = dict(step_fields(statements))
        self.statements = statements
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.template = "assessments/_step_form.html"
        self.helper.layout = Layout(StatementScales(*self.fields))

    @staticmethod
    def field_name(statement: FrozenStatement) -> str:
        return f"q{statement.position}"

    def answers(self) -> dict[int, int]:
        """Return {statement position: value} for every statement that holds a valid answer.

        After a failed validation this is the part of the step that can still
        be kept, which is what Back saves.
        """
        cleaned = getattr(self, "cleaned_data", {})
        return {
            statement.position: cleaned[self.field_name(statement)]
            for statement in self.statements
            if cleaned.get(self.field_name(statement)) is not None
        }


class ExportForm(forms.Form):
    """Which submissions to export, and as what: by default every completed one, as CSV."""

    CSV = "csv"
    EXCEL_CSV = "excel-csv"
    XLSX = "xlsx"

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            (CSV, _("CSV")),
            (EXCEL_CSV, _("Excel-friendly CSV (UTF-8 with a byte-order mark)")),
            (XLSX, _("Excel workbook (XLSX), with a codebook sheet")),
        ],
        initial=CSV,
        widget=forms.RadioSelect,
        help_text=_(
            "Excel opens a plain CSV file in the computer's own encoding and garbles the "
            "Chinese; the Excel-friendly CSV and the workbook open correctly. A CSV file "
            "starts downloading at once; the workbook only once it is written in full, "
            "which takes a while for many submissions."
        ),
    )
    completed_from = forms.DateField(
        label=_("Completed from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The first day to include (UTC). Leave empty to start from the first."),
    )
    completed_to = forms.DateField(
        label=_("Completed until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day to include (UTC). Leave empty to go up to today."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Any language")), *settings.LANGUAGES],
        required=False,
    )
    revision = forms.ModelChoiceField(
        label=_("Revision"),
        queryset=Revision.objects.select_related("questionnaire").without_content(),
        required=False,
        empty_label=_("Any revision"),
    )
    include_unfinished = forms.BooleanField(
        label=_("Include unfinished submissions"),
        required=False,
        help_text=_(
            "Off, only submissions whose answers were confirmed are exported. On, unfinished "
            "ones are too; the dates above then apply to the day they were started."
        ),
    )
    leave_out_flagged = forms.BooleanField(
        label=_("Leave out submissions with an answer-quality flag"),
        required=False,
        help_text=_(
            "Straight lines, contradictions, speeding or mostly neutral answers, found when "
            "the answers were confirmed."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("completed_from"), cleaned.get("completed_to")
        if first and last and first > last:
            raise ValidationError(
                _("The first day is after the last day; swap them or change one."),
                code="dates_reversed",
            )
        if cleaned.get("format") == self.XLSX and too_many_rows(self.submissions()):
            self.add_error("format", ValidationError(too_many_rows_message(), code="too_many"))
        return cleaned

    @classmethod
    def initial_from_list(cls, query: QueryDict) -> dict:
        """Return the initial values that the submission list's filters say the same as."""
        initial: dict = {}
        if query.get("language__exact") in dict(settings.LANGUAGES):
            initial["language"] = query["language__exact"]
        if query.get("revision", "").isdigit():
            initial["revision"] = int(query["revision"])
        if query.get("status") == "in_progress":
            initial["include_unfinished"] = True
        if query.get("quality") == "clear":
            initial["leave_out_flagged"] = True
        return initial

    def submissions(self) -> QuerySet[Submission]:
        """Return the submissions the form asks for."""
        data = self.cleaned_data
        first, last = data.get("completed_from"), data.get("completed_to")
        completed = Q(completed_at__isnull=False) & days("completed_at", first, last)
        if data.get("include_unfinished"):
            unfinished = Q(completed_at__isnull=True) & days("started_at", first, last)
            submissions = Submission.objects.filter(completed | unfinished)
        else:
            submissions = Submission.objects.filter(completed)
        if data.get("language"):
            submissions = submissions.filter(language=data["language"])
        if data.get("revision"):
            submissions = submissions.filter(revision=data["revision"])
        if data.get("leave_out_flagged"):
            submissions = submissions.filter(quality_flags="")
        return submissions

    def response(self) -> HttpResponseBase:
        """Return the download the form asks for."""
        if self.cleaned_data["format"] == self.XLSX:
            return xlsx_response(self.submissions())
        return csv_response(self.submissions(), excel=self.cleaned_data["format"] == self.EXCEL_CSV)


def days(field: str, first: date | None, last: date | None) -> Q:
    """Return a condition that `field` falls on a day from `first` to `last`, both included."""
    condition = Q()
    if first:
        condition &= Q(**{f"{field}__gte": start_of(first)})
    if last:
        condition &= Q(**{f"{field}__lt": start_of(last + timedelta(days=1))})
    return condition


def start_of(day: date) -> datetime:
    # Bounds on the stored time rather than a __date lookup, so the index can be used.
    return timezone.make_aware(datetime.combine(day, time.min))
