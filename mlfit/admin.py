"""The admin site: the questionnaire first, then what people answered, then the accounts."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

# Apps in this order, those not named after them alphabetically; within an
# app, models in this order, those not named after them alphabetically. The
# questionnaire's content comes first, then what is published from it, then
# what people answered on it.
APP_ORDER = ("assessments", "auth", "axes")
MODEL_ORDER = {
    "assessments": (
        "Questionnaire",
        "ReasonCategory",
        "Question",
        "Role",
        "Revision",
        "Submission",
    ),
}


def position(names: tuple[str, ...], name: str) -> int:
    """Return where `name` comes in `names`, or after all of them when it is not there."""
    return names.index(name) if name in names else len(names)


class MlfitAdminSite(admin.AdminSite):
    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        """Return the apps and their models in the order an editor works in, not alphabetically.

        The index page and the sidebar of every admin page both read it.
        """
        app_list = super().get_app_list(request, app_label)
        app_list.sort(key=lambda app: position(APP_ORDER, app["app_label"]))
        for app in app_list:
            order = MODEL_ORDER.get(app["app_label"], ())
            app["models"].sort(key=lambda model: position(order, model["object_name"]))
        return app_list
