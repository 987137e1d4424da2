"""Django's database sessions (SESSION_ENGINE = "coop.core.sessions"), read with one plain SQL query.

Every signed-in page reads its session first; the ORM takes several times longer to build that query than
the database takes to answer it. Same table, same rows, same expiry and signing: only the read differs,
so signing out (or deleting the row) ends the session at once in every worker, as with Django's own.
"""
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


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
        data = self._session_data_from_db()  # no model instance: only the data is needed
        return {} if data is None else self.decode(data)
