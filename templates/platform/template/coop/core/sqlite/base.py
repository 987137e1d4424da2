"""SQLite through Django's own backend, with the writers of one database file taking turns through a lock file.

SQLite lets one transaction write at a time. A writer that finds the database taken waits in SQLite's busy
handler, which sleeps and polls (1 ms, then 2, 5, 10 ms...), so it starts again well after the other one
finished: with two workers casting votes, about one write in two slept that way, the worker idle while the
write lock was already free. Here a write transaction (BEGIN IMMEDIATE, every transaction.atomic block)
first takes an exclusive flock() on "<database>-writers.lock": a worker that has to wait is woken by the
kernel the moment the other one commits or rolls back. The lock is only a queue in front of SQLite's own
locking, which still guards the data: a process without it (the sqlite3 shell, another program) is waited
for by the busy handler as before, and a lock left by a process that died is released by the kernel.
"""
import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writers_fd = None  # the lock file, opened on this connection's first write transaction
    _writing = False  # this connection holds the lock

    def _writers_lock_path(self):
        name = self.settings_dict["NAME"]
        if self.is_in_memory_db() or not name:
            return None
        return f"{os.fspath(name)}-writers.lock"

    def _take_writers_lock(self):
        if self._writing:
            return
        if self._writers_fd is None:
            path = self._writers_lock_path()
            if path is None:  # an in-memory database: one connection, nobody to take turns with
                return
            self._writers_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._writers_fd, fcntl.LOCK_EX)
        self._writing = True

    def _release_writers_lock(self):
        if self._writing:
            self._writing = False
            fcntl.flock(self._writers_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._take_writers_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writers_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writers_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writers_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writers_lock()
            if self._writers_fd is not None:
                os.close(self._writers_fd)
                self._writers_fd = None
