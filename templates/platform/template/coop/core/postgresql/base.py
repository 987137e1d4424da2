"""PostgreSQL through Django's own backend, with CONN_HEALTH_CHECKS' check skipped for a connection in steady use.

With health checks on, Django sends "SELECT 1" before the first query of every request that reuses a
connection: one more round trip per page, a third of a signed-in page's. Here a connection that served a
request without a database error less than HEALTH_CHECK_AFTER seconds ago is taken as alive (as connection
pools do: HikariCP's "alive bypass window"); one idle longer is checked first, exactly as Django does. A
connection that breaks in between (the server restarted under steady traffic) fails that one request, and
Django closes it then (errors_occurred), so the next request connects afresh.
"""
import time

from django.db.backends.postgresql import base

#: seconds after a request it served without a database error during which a connection is not checked again
HEALTH_CHECK_AFTER = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    _answered_at = float("-inf")
    _used_since_check = False

    def _cursor(self, name=None):
        self._used_since_check = True
        return super()._cursor(name)

    def close_if_unusable_or_obsolete(self):
        """At each request's start and end (Django's close_old_connections)."""
        answered = self.connection is not None and self._used_since_check and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        now = time.monotonic()
        if answered and self.connection is not None:
            self._answered_at = now
        self._used_since_check = False
        if self.connection is not None and not self.health_check_done and now - self._answered_at < HEALTH_CHECK_AFTER:
            self.health_check_done = True
