"""The step form's statements as HTML: a fieldset per statement with its 5-point scale.

Rendering through templates cost most of the step page: a widget template per
radio button (30 a page) and a field template per statement. A crispy-forms
layout object writes the same markup here in one pass instead; crispy-forms
still renders the form around it. Every text is escaped with html.escape on
its way in, which is why the result may be marked safe.
"""

from __future__ import annotations

from html import escape

from crispy_forms.layout import LayoutObject
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe


def scale_labels(field: BoundField) -> list[tuple[str, str]]:
    """Return (value, escaped label) for each point of the scale, in the page's language."""
    return [(escape(str(value)), escape(str(label))) for value, label in field.field.choices]


def statement_fieldset(field: BoundField, labels: list[tuple[str, str]] | None = None) -> str:
    """Return one statement: its legend, help text, error and the five radio buttons.

    `labels` are the scale's, from scale_labels(): the same for every
    statement of a page, so a page works them out once.
    """
    base_id = escape(field.auto_id)
    errors = field.errors
    help_text = str(field.help_text or "")
    described_by = " ".join(
        part
        for part, present in ((f"{base_id}_error", errors), (f"{base_id}_helptext", help_text))
        if present
    )
    parts = [
        f'<fieldset id="fs-{base_id}" class="statement{" has-error" if errors else ""}"'
        + (f' aria-describedby="{described_by}"' if described_by else "")
        + ">",
        f'<legend class="statement-text">{escape(str(field.label))}</legend>',
    ]
    if help_text:
        parts.append(f'<p class="statement-help" id="{base_id}_helptext">{escape(help_text)}</p>')
    if errors:
        message = escape(" ".join(str(error) for error in errors))
        parts.append(
            f'<p class="statement-error" id="{base_id}_error">'
            f'<span aria-hidden="true">!</span> {message}</p>'
        )
    chosen = str(field.value())
    name = escape(field.html_name)
    attributes = (" required" if field.field.required else "") + (
        ' aria-invalid="true"' if errors else ""
    )
    parts.append('<div class="scale">')
    for index, (value, label) in enumerate(labels or scale_labels(field)):
        parts.append(
            f'<div class="scale-option"><input type="radio" name="{name}" value="{value}"'
            f' id="{base_id}_{index}"{attributes}{" checked" if value == chosen else ""}>'
            f'<label for="{base_id}_{index}">{label}</label></div>'
        )
    parts.append("</div></fieldset>")
    return "\n".join(parts)


class StatementScales(LayoutObject):
    """A crispy-forms layout object: every named field as a statement fieldset."""

    def __init__(self, *fields: str) -> None:
        self.fields = list(fields)

    def render(self, form, context, template_pack=None, **kwargs) -> SafeString:
        if not self.fields:
            return mark_safe("")
        labels = scale_labels(form[self.fields[0]])
        return mark_safe("\n".join(statement_fieldset(form[name], labels) for name in self.fields))
