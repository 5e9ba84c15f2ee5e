"""A per-client limit on POSTs, counted in Django's cache.

Each client address has a counter per scope in fixed windows of
MLFIT_RATE_WINDOW_SECONDS; past the scope's limit it gets a 429 page until
the window ends. With the default local-memory cache each app process counts
on its own; a cache shared by every instance (Redis, MLFIT_CACHE_URL) makes
the limit hold across them. The counter is made by add() and counted by
incr(), each one atomic in Redis, so concurrent requests on different
instances never lose a count. If Redis cannot be reached the request is let
through (fail open, logged by mlfit.cache): a flood is briefly uncounted, but
people are not shut out by a cache restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mlfit.cache import CacheUnavailable


def client_address(request: HttpRequest) -> str:
    """Return the client's address: from MLFIT_CLIENT_IP_HEADER if set (a trusted proxy's), else the peer's."""
    header = settings.MLFIT_CLIENT_IP_HEADER
    if header:
        # The proxy appends the address it saw: the last one is the one it vouches for.
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def over_limit(request: HttpRequest, scope: str, limit: int) -> int:
    """Count this request; return the seconds left in the window if it is over the limit, else 0."""
    window = settings.MLFIT_RATE_WINDOW_SECONDS
    now = time.time()
    key = f"mlfit:rate:{scope}:{client_address(request)}:{int(now // window)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    except CacheUnavailable:  # Redis is down or restarting: let it through
        return 0
    if count <= limit:
        return 0
    return max(1, int(window - now % window))


def limit_posts(scope: str, limit_setting: str) -> Callable:
    """Limit how often one client may POST to a view: at most settings.<limit_setting> a window."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                wait = over_limit(request, scope, getattr(settings, limit_setting))
                if wait:
                    response = render(request, "429.html", status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return limited

    return decorator
