"""`coopkit web`: the interview in a local browser page (see app.py)."""
from __future__ import annotations

from .app import create_app, serve

__all__ = ["create_app", "serve"]
