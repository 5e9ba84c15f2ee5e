"""What every page's layout needs, worked out once per process where it never changes."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language_info


@cache
def _layout() -> dict:
    return {
        # (code, name in its own language) for the language switcher.
        "site_languages": [
            (code, get_language_info(code)["name_local"]) for code, _ in settings.LANGUAGES
        ],
        "home_url": reverse("assessments:landing"),
        "set_language_url": reverse("set_language"),
    }


def layout(request: HttpRequest) -> dict:
    """Return the languages and the two links the layout shows on every page."""
    return _layout()
