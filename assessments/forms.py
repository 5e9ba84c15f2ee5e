"""The form for one step of the questionnaire."""

from __future__ import annotations

from functools import lru_cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from . import scoring
from .models import FrozenStatement
from .widgets import StatementScales

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
