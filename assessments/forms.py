"""The form for one step of the questionnaire."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from . import scoring
from .models import Question

SCALE_CHOICES = [(str(value), label) for value, label in scoring.SCALE]


class StepForm(forms.Form):
    """One 5-point agreement scale per active statement of a reason."""

    def __init__(self, *args, questions: list[Question], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[self.field_name(question)] = forms.TypedChoiceField(
                label=question.statement,
                help_text=question.help_text,
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
        self.helper.layout = Layout(
            *(Field(name, template="assessments/_scale_field.html") for name in self.fields)
        )

    @staticmethod
    def field_name(question: Question) -> str:
        return f"q{question.pk}"

    def answers(self) -> dict[int, int]:
        """Return {question id: value} for every statement that holds a valid answer.

        After a failed validation this is the part of the step that can still
        be kept, which is what Back saves.
        """
        cleaned = getattr(self, "cleaned_data", {})
        return {
            question.pk: cleaned[self.field_name(question)]
            for question in self.questions
            if cleaned.get(self.field_name(question)) is not None
        }
