"""Django's database sessions (SESSION_ENGINE = "coop.core.sessions"), read with one plain SQL query.

Every signed-in page reads its session first; the ORM takes several times longer to build that query than
the database takes to answer it. Same table, same rows, same expiry and signing: only the read differs,
so signing out (or deleting the row) ends the session at once in every worker, as with Django's own.

A session's user does not change while its key lives (logging in as someone else gives a new key), so once
this worker has read which user a session names, the next read of the session also reads that user's row
(with membership and groups, as coop/core/backends.py does) in the same statement. The user is handed to the
login backend only when the session's data, checked and decoded as always, names that same user; the
session's row and the user's row are both read afresh on every request.

Decoding the stored data (checking its signature, then parsing it) gives the same dictionary for the same
stored text, so each worker keeps the last decoded ones by their stored text (only data made of plain
values, which a copy cannot share with the next request): a session read again unchanged is not checked
and parsed again. Changed data is stored as a new text, decoded afresh.
"""
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone

from . import backends

#: session key → the user id its data named when this worker last read it (bounded: cleared when full)
_USER_OF: dict = {}
USERS_KEPT = 20000
#: stored (signed) session data → the dictionary it decodes to, for data of plain values (bounded as _USER_OF)
_DECODED: dict = {}
DECODED_KEPT = 20000
_PLAIN = (str, int, float, bool, type(None))


class SessionStore(db.SessionStore):
    def _session_data_from_db(self):
        """The session's data as stored (signed), or None (and the key forgotten) when there is no such session
        or it has expired."""
        key = self.session_key
        if key is not None:
            connection = connections[router.db_for_read(self.model)]
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote('session_data')} FROM {quote(self.model._meta.db_table)} "
                    f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                    [key, connection.ops.adapt_datetimefield_value(timezone.now())])
                row = cursor.fetchone()
            if row is not None:
                return row[0]
        self._session_key = None
        return None

    def _get_session_from_db(self):
        data = self._session_data_from_db()
        return None if data is None else self.model(session_key=self.session_key, session_data=data)

    def load(self):
        backends.forget_read_user()  # nothing read for an earlier request is handed on
        key = self.session_key
        user_id = _USER_OF.get(key) if key is not None else None
        if user_id is None:
            stored = self._session_data_from_db()  # no model instance: only the data is needed
            found = None
        else:
            stored, found, db_alias, connection = self._session_data_and_user(key, user_id)
        data = {} if stored is None else self._decoded(stored)
        named = data.get(SESSION_KEY)
        if found is not None and named == user_id:
            backends.keep_read_user(user_id, backends.user_from_rows(found, db_alias, connection))
        if key is not None:
            if named is None:
                _USER_OF.pop(key, None)
            elif _USER_OF.get(key) != named:
                if len(_USER_OF) >= USERS_KEPT:
                    _USER_OF.clear()
                _USER_OF[key] = named
        return data

    def _decoded(self, stored):
        """self.decode(stored), a copy of the dictionary this worker decoded from the same stored text if any."""
        known = _DECODED.get(stored)
        if known is not None:
            return dict(known)
        data = self.decode(stored)
        if data and all(type(value) in _PLAIN for value in data.values()):
            if len(_DECODED) >= DECODED_KEPT:
                _DECODED.clear()
            _DECODED[stored] = dict(data)
        return data

    def _session_data_and_user(self, key, user_id):
        """(the session's stored data or None, the user rows read with it, db alias, connection)."""
        users = get_user_model()
        db_alias = router.db_for_read(self.model)
        connection = connections[db_alias]
        reading = backends.user_reading(connection)
        quote = connection.ops.quote_name
        try:
            user_pk = users._meta.pk.get_db_prep_value(users._meta.pk.to_python(user_id), connection)
        except (ValidationError, ValueError, TypeError):  # not an id this user model can have: the session alone
            return self._session_data_from_db(), None, db_alias, connection
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.{quote('session_data')}, {reading.columns} FROM {quote(self.model._meta.db_table)} s "
                f"LEFT JOIN {quote(users._meta.db_table)} t ON t.{quote(users._meta.pk.column)} = %s {reading.joins} "
                f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s",
                [user_pk, key, connection.ops.adapt_datetimefield_value(timezone.now())])
            found = cursor.fetchall()
        if not found:
            self._session_key = None
            return None, None, db_alias, connection
        return found[0][0], [row[1:] for row in found], db_alias, connection
