"""coopkit's cache folder: $COOPKIT_CACHE, else $XDG_CACHE_HOME/coopkit, else ~/.cache/coopkit.

It holds what can be made again at any time: the platform template's repository, the render state of
each output folder, and compiled templates. Deleting it loses nothing."""
from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    root = os.environ.get("COOPKIT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "coopkit")
    return Path(root)
