"""Clear pages, never a bare 500, for what goes wrong around the views.

A lost database gives a "try again shortly" page (503); a request body that
cannot be read gives a 400 page, one that is too large a 413 page.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDict
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


# -- Bodies that cannot be read ---------------------------------------------------------

MALFORMED = (BadRequest, SuspiciousOperation, MultiPartParserError, UnicodeDecodeError, LookupError)


class MalformedRequestMiddleware:
    """Answer 400 to a POST whose body cannot be read, and 413 to one that is too large.

    Django raises on such a body each time request.POST is read, and the
    error page and the error log read it again, which turned one bad request
    into a bare 500. Here the body is read once, before anything else needs
    it; if it cannot be, the request is given an empty one and the person a
    400 page. Put it after the middleware that add headers (the CSP), so the
    page carries them too.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        if request_size(request) > settings.MLFIT_MAX_REQUEST_BYTES:
            logger.warning(
                "Refused a %s byte body for %s %s.",
                request_size(request),
                request.method,
                request.path,
            )
            request._post, request._files = QueryDict(), MultiValueDict()
            response = render(request, "413.html", status=413)
            response["Connection"] = "close"
            return response
        try:
            request.POST  # noqa: B018 -- parsed once here, so that it is never parsed again
        except MALFORMED as error:
            logger.warning("Malformed body for %s %s: %s", request.method, request.path, error)
            request._post, request._files = QueryDict(), MultiValueDict()
            return render(request, "400.html", status=400)
        return self.get_response(request)


def request_size(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
