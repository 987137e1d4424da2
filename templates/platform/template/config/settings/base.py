"""Settings shared by every environment. See https://docs.djangoproject.com/en/5.2/ref/settings/

Governance numbers are NOT settings: they come from governance/governance.yml (coop.profile).
"""
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from coop import profile as coop_profile

from .email import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GOVERNANCE_DIR = Path(os.environ.get("COOP_GOVERNANCE_DIR", BASE_DIR / "governance"))
PROFILE = coop_profile.load(GOVERNANCE_DIR)

DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]

INSTALLED_APPS = [
    "coop.core",  # first: its templates (login, password reset...) take precedence over the admin's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "coop.members",
    "coop.governance",
    "coop.ledger",
    "coop.marketplace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Login throttling (django-axes): last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

AUTH_USER_MODEL = "core.User"  # email is the login; a custom user model from the first migration
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "coop.core.backends.MemberBackend",  # ModelBackend, with the membership read in the same query
    "django.contrib.auth.backends.ModelBackend",  # sessions that recorded it (older logins) stay valid
]
# Throttling: 5 failed logins for one email from one address lock it out for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field (it holds the email address)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Email: printed to the console locally; production chooses SMTP or a service by EMAIL_PROVIDER
# (config/settings/email.py explains every variable).
_email = email_settings(os.environ, default="console")
INSTALLED_APPS += _email.pop("apps")
globals().update(_email)
# The site's address, used in links sent by email (invitations, notifications).
COOP_BASE_URL = os.environ.get("COOP_BASE_URL", "http://127.0.0.1:8000")

# The audit trail's signed checkpoints live OUTSIDE the database (a file, ideally on other storage or
# backed up apart from the database), signed with a key the database never holds.
COOP_CHECKPOINT_FILE = os.environ.get("COOP_CHECKPOINT_FILE", str(BASE_DIR / "var" / "audit-checkpoints.jsonl"))
COOP_CHECKPOINT_KEY = os.environ.get("COOP_CHECKPOINT_KEY", "")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coop.core.context_processors.coop",
            ],
        },
    },
]

# SQLite by default; any DATABASE_URL (e.g. postgres://user:pass@host:5432/name) overrides it.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600, conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's PostgreSQL backend; the health check skipped for a connection that served a request without a
    # database error within the last second (coop/core/postgresql/base.py), as connection pools do
    DATABASES["default"]["ENGINE"] = "coop.core.postgresql"
    if os.environ.get("DJANGO_DB_PREPARED_STATEMENTS", "true").lower() != "false":
        # Parameters bound by the server and a statement run 5 times on a connection prepared (psycopg 3): the
        # busiest pages' queries are planned once per connection instead of on every request. Set
        # DJANGO_DB_PREPARED_STATEMENTS=false behind a pooler that cannot keep them (PgBouncer before 1.21 in
        # transaction mode).
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions make concurrent writers wait for each other instead of failing.
    # WAL: readers never wait for the writer, and a commit is one append to the log (one fsync with
    # synchronous=FULL, the default here: a recorded vote survives a power cut; NORMAL is faster and
    # may lose the last commits on power loss, never consistency). The database file must be on a
    # local disk (WAL needs shared memory), as the Docker volume is.
    SQLITE_SYNCHRONOUS = "NORMAL" if os.environ.get("DJANGO_SQLITE_SYNCHRONOUS", "").upper() == "NORMAL" else "FULL"
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE", "timeout": 20,
        "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS}",
    })
    # Django's SQLite backend; writers queue on a lock file (coop/core/sqlite/base.py), woken the moment the one
    # before them commits, instead of sleeping and polling in SQLite's busy handler
    DATABASES["default"]["ENGINE"] = "coop.core.sqlite"
# Sessions in the database, as Django's default, read with one plain SQL query (coop/core/sessions.py).
SESSION_ENGINE = "coop.core.sessions"
# Page fragments (proposal list, audit table, navigation) are cached in each worker's memory, keyed
# by what they show as read from the database on each request, so every worker shows the same data
# (a change in one worker is seen by the others on their next request) without a cache server.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Language of the co-op (coop.language), English as the fallback. Translations: locale/<ll_CC>/.
from django.conf.locale import LANG_INFO  # noqa: E402


def django_language(code):
    """Django's code for a BCP 47 tag: "pt-BR" -> "pt-br", "de-AT" -> "de", "zh-TW" -> "zh-hant", unknown -> "en"."""
    code = str(code or "en").strip().lower().replace("_", "-")
    for candidate in (code, code.split("-")[0]):
        info = LANG_INFO.get(candidate)
        if info:
            return candidate if "name" in info else info["fallback"][0]
    return "en"


def language_settings(language, offered=()):
    """LANGUAGE_CODE and LANGUAGES: the co-op's language first, then platform.languages, then English."""
    code = django_language(language)
    codes = dict.fromkeys([code, *(django_language(c) for c in offered), "en"])
    return code, [(c, LANG_INFO[c]["name"]) for c in codes]


LANGUAGE_CODE, LANGUAGES = language_settings(PROFILE.coop.get("language"), PROFILE.rules["platform"].get("languages") or [])
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = PROFILE.rules["platform"].get("timezone") or "UTC"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")  # filled by collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
