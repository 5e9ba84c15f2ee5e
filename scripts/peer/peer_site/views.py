"""The comparison project's trivial view, the baseline its survey pages are measured against."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Answer "ok" through the full middleware stack, like mlfit's /health/."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
