"""Where the platform's email goes: invitations, password resets, notifications and reminders.

EMAIL_PROVIDER chooses it (local default: console; production default: smtp):

  console   printed in the terminal that runs the server
  smtp      any SMTP server: DJANGO_EMAIL_HOST, DJANGO_EMAIL_PORT (587), DJANGO_EMAIL_HOST_USER,
            DJANGO_EMAIL_HOST_PASSWORD, DJANGO_EMAIL_USE_TLS (true) or DJANGO_EMAIL_USE_SSL
  file      one file per message in DJANGO_EMAIL_FILE_PATH (to rehearse production without sending)
  an ESP    a transactional email service through django-anymail, e.g. EMAIL_PROVIDER=mailgun with
            ANYMAIL_MAILGUN_API_KEY=...; every ANYMAIL_<SETTING> variable becomes ANYMAIL["<SETTING>"]
            (see https://anymail.dev/en/stable/esps/ for each service's settings)

DJANGO_EMAIL_BACKEND (a dotted path) overrides the provider's backend, for a backend not listed here.
"""
import importlib.util

from django.core.exceptions import ImproperlyConfigured

# django-anymail's services and the settings each one cannot send without.
ANYMAIL_ESPS = {
    "amazon_ses": (), "brevo": ("API_KEY",), "mailersend": ("API_TOKEN",), "mailgun": ("API_KEY",),
    "mailjet": ("API_KEY", "SECRET_KEY"), "mailtrap": ("API_TOKEN",), "mandrill": ("API_KEY",),
    "postal": ("API_KEY", "API_URL"), "postmark": ("SERVER_TOKEN",), "resend": ("API_KEY",),
    "scaleway": ("SECRET_KEY", "PROJECT_ID"), "sendgrid": ("API_KEY",), "sparkpost": ("API_KEY",),
    "unisender_go": ("API_KEY", "API_URL"),
}
BUILT_IN = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}


def _flag(environ, name, default):
    return environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def email_settings(environ, default="console", installed=importlib.util.find_spec):
    """The email settings for an environment (a mapping like os.environ), plus "apps" to install.

    Raises ImproperlyConfigured naming the variable to set when the choice cannot send."""
    provider = environ.get("EMAIL_PROVIDER", "").strip().lower().replace("-", "_") or default
    if provider not in BUILT_IN and provider not in ANYMAIL_ESPS:
        raise ImproperlyConfigured(
            f"EMAIL_PROVIDER is {provider!r}, which this platform does not know. "
            f"Use one of: {', '.join([*BUILT_IN, *ANYMAIL_ESPS])}.")
    found = {"apps": [], "DEFAULT_FROM_EMAIL": environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost"),
             "SERVER_EMAIL": environ.get("DJANGO_SERVER_EMAIL") or environ.get("DJANGO_DEFAULT_FROM_EMAIL", "root@localhost"),
             "EMAIL_PROVIDER": provider, "EMAIL_FILE_PATH": environ.get("DJANGO_EMAIL_FILE_PATH", "")}
    if provider in BUILT_IN:
        found["EMAIL_BACKEND"] = BUILT_IN[provider]
        found.update(
            EMAIL_HOST=environ.get("DJANGO_EMAIL_HOST", "localhost"),
            EMAIL_PORT=int(environ.get("DJANGO_EMAIL_PORT", "587")),
            EMAIL_HOST_USER=environ.get("DJANGO_EMAIL_HOST_USER", ""),
            EMAIL_HOST_PASSWORD=environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
            EMAIL_USE_SSL=_flag(environ, "DJANGO_EMAIL_USE_SSL", "false"),
            EMAIL_TIMEOUT=int(environ.get("DJANGO_EMAIL_TIMEOUT", "20")),
        )
        found["EMAIL_USE_TLS"] = not found["EMAIL_USE_SSL"] and _flag(environ, "DJANGO_EMAIL_USE_TLS", "true")
        if provider == "file" and not found["EMAIL_FILE_PATH"]:
            raise ImproperlyConfigured("EMAIL_PROVIDER=file needs DJANGO_EMAIL_FILE_PATH: the folder to write messages to.")
    else:
        if not installed("anymail"):
            raise ImproperlyConfigured(f"EMAIL_PROVIDER={provider} sends through django-anymail: "
                                       "pip install 'django-anymail' (it is in pyproject.toml's dependencies).")
        if provider == "amazon_ses" and not installed("boto3"):
            raise ImproperlyConfigured("EMAIL_PROVIDER=amazon_ses needs boto3: pip install 'django-anymail[amazon-ses]'.")
        anymail = {name[len("ANYMAIL_"):]: value for name, value in environ.items()
                   if name.startswith("ANYMAIL_") and value.strip()}
        missing = [f"ANYMAIL_{provider.upper()}_{key}" for key in ANYMAIL_ESPS[provider]
                   if f"{provider.upper()}_{key}" not in anymail]
        if missing:
            raise ImproperlyConfigured(f"EMAIL_PROVIDER={provider} needs {' and '.join(missing)} "
                                       "(from your account with the service).")
        found.update(EMAIL_BACKEND=f"anymail.backends.{provider}.EmailBackend", ANYMAIL=anymail, apps=["anymail"])
    if environ.get("DJANGO_EMAIL_BACKEND", "").strip():
        found["EMAIL_BACKEND"] = environ["DJANGO_EMAIL_BACKEND"].strip()
    return found
