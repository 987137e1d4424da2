"""Development settings: DEBUG on, SQLite, a random secret key kept in a git-ignored file."""
import os
import secrets

from .base import *  # noqa: F401,F403
from .base import BASE_DIR


def _local_secret_key():
    """Created once per checkout; never written by the generator (the repo stays reproducible)."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


# SECURITY WARNING: never use these settings in production.
SECRET_KEY = _local_secret_key()
DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files are served from the apps while developing; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
