"""Settings for pytest: a throwaway key, fast hashing, a file SQLite so threads share it."""
import os
import secrets

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, DATABASES

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The apps' tests assert on English text whatever coop.language is; coop/core/tests/test_i18n.py
# switches to the co-op's language (and the others shipped in locale/) explicitly.
LANGUAGE_CODE = "en"
if DATABASES["default"]["ENGINE"] == "coop.core.sqlite":
    # A file (not :memory:) so the concurrent-vote test's threads see one database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".pytest-db.sqlite3")}

# Static files are served from the apps while developing; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Throttling is tested on its own (coop/core/tests/test_accounts.py turns it on).
AXES_ENABLED = False
COOP_BASE_URL = "http://testserver"
COOP_CHECKPOINT_FILE = str(BASE_DIR / ".pytest-checkpoints.jsonl")
COOP_CHECKPOINT_KEY = "test-checkpoint-key"
