"""Lists and sentences joined in the language of the page: "A, B and C", "A、B和C"."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def join_words(items: Sequence[str]) -> SafeString:
    """Return the items as one phrase, each escaped: "A", "A and B", "A, B and C"."""
    items = [format_html("{}", item) for item in items]
    if len(items) < 2:
        return items[0] if items else SafeString("")
    head = format_html(_(", ").join(["{}"] * (len(items) - 1)), *items[:-1])
    return format_html(_("{head} and {last}"), head=head, last=items[-1])


def sentences(first: str, second: str) -> SafeString:
    """Return two sentences as one text: a space between them in English, none in Chinese."""
    return format_html(
        pgettext("two sentences in a row", "{first} {second}"), first=first, second=second
    )
