"""The form for one step of the questionnaire."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from . import scoring
from .models import FrozenStatement
from .widgets import StatementScales

SCALE_CHOICES = [(str(value), label) for value, label in scoring.SCALE]


class StepForm(forms.Form):
    """One 5-point agreement scale per statement of a reason."""

    def __init__(self, *args, statements: tuple[FrozenStatement, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.statements = statements
        for statement in statements:
            self.fields[self.field_name(statement)] = forms.TypedChoiceField(
                label=str(statement.text),
                help_text=str(statement.help_text),
                choices=SCALE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Please choose an answer for this statement."),
                    "invalid_choice": _(
                        "Please choose one of the five answers for this statement."
                    ),
                },
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
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
