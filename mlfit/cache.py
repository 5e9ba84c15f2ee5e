"""Django's Redis cache, for which Redis being unreachable is a miss rather than a 500.

Nothing mlfit keeps in the cache is the only copy of anything: the results
page's text can be rendered again, and a rate-limit counter that cannot be
counted lets the request through (see mlfit.ratelimit). So while Redis is
down, or restarting, pages are served uncached and a warning is logged, at
most once every LOG_EVERY_SECONDS per process.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY_SECONDS = 10.0


class CacheUnavailable(Exception):
    """The cache could not count: raised by incr() instead of the client's error."""


class RedisCache(DjangoRedisCache):
    """Django's RedisCache; an unreachable Redis reads as a miss and drops writes."""

    _last_warning = float("-inf")

    def _unreachable(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - RedisCache._last_warning >= LOG_EVERY_SECONDS:
            RedisCache._last_warning = now
            logger.warning("Redis cache unreachable (%s): %s; serving uncached.", operation, error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            self._unreachable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            self._unreachable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            self._unreachable("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("add", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            self._unreachable("delete", error)
            return False

    def incr(self, key, delta=1, version=None):
        # A counter cannot be faked: say so, and let the caller decide.
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._unreachable("incr", error)
            raise CacheUnavailable(str(error)) from error
