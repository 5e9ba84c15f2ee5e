"""Turn a database outage into a clear "try again shortly" page instead of a 500."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10


def database_unavailable() -> HttpResponse:
    """Return the 503 page, rendered without the request.

    The session and messages live in the database that just failed.
    """
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def caused_by_database(error: BaseException | None) -> bool:
    """Return True if `error`, or an error it was raised while handling, is a lost database."""
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__context__
    return False


class DatabaseUnavailableMiddleware:
    """Answer 503 with a page that says what happened when the database cannot be reached.

    Every step is saved in one transaction, so a request that fails here has
    changed nothing; the person can simply try again.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not caused_by_database(exception):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return database_unavailable()


# Outside a view (saving the session after it, say) the middleware never sees
# the error: Django hands it to these handlers instead, as a 500, or as a 400
# when the session could not be saved.


def server_error(request: HttpRequest) -> HttpResponse:
    if caused_by_database(sys.exc_info()[1]):
        return database_unavailable()
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if caused_by_database(exception):
        return database_unavailable()
    return defaults.bad_request(request, exception)
