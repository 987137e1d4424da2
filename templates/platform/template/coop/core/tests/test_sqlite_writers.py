"""SQLite's writers take turns through a lock file (coop/core/sqlite/base.py), woken when the one before commits."""
import fcntl
import os
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction


@pytest.fixture
def writers_lock():
    """A second handle on the database's writers lock (as another worker has): whether it is free, and the fd."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    path = connection._writers_lock_path()
    assert path is not None and path.endswith("-writers.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT)

    def free():
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True

    free.fd = fd
    yield free
    os.close(fd)


@pytest.mark.django_db(transaction=True)
def test_a_write_transaction_holds_the_writers_lock_until_it_commits_or_rolls_back(writers_lock):
    assert writers_lock()
    with transaction.atomic():
        Group.objects.create(name="kept")
        assert not writers_lock()
        with transaction.atomic():  # a savepoint: the same turn
            Group.objects.create(name="inner")
        assert not writers_lock()
    assert writers_lock()
    with pytest.raises(RuntimeError), transaction.atomic():
        Group.objects.create(name="rolled back")
        assert not writers_lock()
        raise RuntimeError
    assert writers_lock()
    assert set(Group.objects.values_list("name", flat=True)) == {"kept", "inner"}
    Group.objects.create(name="autocommit")  # a single statement outside a transaction takes no turn
    assert writers_lock()


@pytest.mark.django_db(transaction=True)
def test_a_writer_waits_for_its_turn_and_goes_when_it_is_given_back(writers_lock):
    fcntl.flock(writers_lock.fd, fcntl.LOCK_EX)  # another worker's turn
    done = threading.Event()
    errors = []

    def write():
        try:
            with transaction.atomic():
                Group.objects.create(name="queued")
            done.set()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert not done.wait(0.3)  # SQLite itself is free: the writer waits on the lock file
    finally:
        fcntl.flock(writers_lock.fd, fcntl.LOCK_UN)
    thread.join(30)
    assert done.is_set() and not errors, errors
    assert Group.objects.filter(name="queued").exists()
    assert writers_lock()


def test_the_platform_uses_the_queueing_backend_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    from django.db import connections

    from coop.core.sqlite.base import DatabaseWrapper

    assert isinstance(connections["default"], DatabaseWrapper)
