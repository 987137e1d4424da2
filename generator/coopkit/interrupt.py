"""Ctrl-C that Python swallowed still stops the run.

Python turns Ctrl-C (SIGINT) into KeyboardInterrupt in the main thread, wherever it is. When that is a
finalizer (an object's `__del__`, a weakref callback, often run by the garbage collector between two PDFs),
Python prints "Exception ignored" and carries on: the run would finish and write the co-op as if the founders
had not pressed Ctrl-C. The CLI's handler also remembers the interrupt, and the last step before anything is
moved into place (`check()`) raises it again.
"""
from __future__ import annotations

import signal
import threading
from types import FrameType

_SEEN = threading.Event()


def install_handler() -> None:
    """Ctrl-C raises KeyboardInterrupt, as Python's own handler does, and is remembered (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        _SEEN.set()
        signal.default_int_handler(signum, frame)

    signal.signal(signal.SIGINT, handler)


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl-C came since the handler was installed, even if it was swallowed."""
    if _SEEN.is_set():
        raise KeyboardInterrupt


def forget() -> None:
    """For tests and long-lived callers: the interrupt has been dealt with."""
    _SEEN.clear()
