"""Database sessions whose keys are checked for their form before any query."""

from __future__ import annotations

import string

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

KEY_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, refusing keys Django itself could never have made.

    Django makes keys of 32 lowercase letters and digits. Anything else in the
    cookie (a NUL, say, which PostgreSQL refuses in a query) counts as no
    session, as an unknown key does, instead of reaching the database.
    """

    def _validate_session_key(self, key: str | None) -> bool:
        return (
            super()._validate_session_key(key) and len(key) <= 40 and KEY_CHARACTERS.issuperset(key)
        )
