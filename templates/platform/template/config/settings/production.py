"""Production settings: everything from the environment, secure by default.

Required: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS. Usually: DATABASE_URL.
Checklist: https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
"""
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .email import email_settings


def _required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable (see .env.sample).")
    return value


# SECURITY WARNING: keep the secret key used in production secret; it is never in the repo.
SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS if h != "*"]
DEBUG = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Email through an SMTP server (the default) or a service by EMAIL_PROVIDER (see email.py and .env.sample).
_email = email_settings(os.environ, default="smtp")
INSTALLED_APPS = [*INSTALLED_APPS, *(app for app in _email.pop("apps") if app not in INSTALLED_APPS)]  # noqa: F405
globals().update(_email)
COOP_BASE_URL = os.environ.get("COOP_BASE_URL") or f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
