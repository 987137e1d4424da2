"""Where email goes: console locally, SMTP in production, or a service through django-anymail chosen
by EMAIL_PROVIDER; a choice that cannot send stops the site at start, naming the variable to set."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.email import ANYMAIL_ESPS, email_settings

ROOT = Path(__file__).resolve().parents[3]


def test_local_default_prints_email_in_the_console():
    found = email_settings({}, default="console")
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert found["apps"] == []


def test_production_default_is_smtp_from_the_environment():
    found = email_settings({"DJANGO_EMAIL_HOST": "smtp.coop.example.org", "DJANGO_EMAIL_PORT": "2525",
                            "DJANGO_EMAIL_HOST_USER": "coop", "DJANGO_EMAIL_HOST_PASSWORD": "s3cret",
                            "DJANGO_DEFAULT_FROM_EMAIL": "secretary@coop.example.org"}, default="smtp")
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"], found["EMAIL_HOST_USER"]) == ("smtp.coop.example.org", 2525, "coop")
    assert found["EMAIL_USE_TLS"] is True and found["EMAIL_USE_SSL"] is False
    assert found["DEFAULT_FROM_EMAIL"] == "secretary@coop.example.org"
    implicit_tls = email_settings({"DJANGO_EMAIL_USE_SSL": "true", "DJANGO_EMAIL_PORT": "465"}, default="smtp")
    assert implicit_tls["EMAIL_USE_SSL"] is True and implicit_tls["EMAIL_USE_TLS"] is False  # never both


def test_an_esp_through_anymail_takes_its_settings_from_anymail_variables():
    found = email_settings({"EMAIL_PROVIDER": "Mailgun", "ANYMAIL_MAILGUN_API_KEY": "key-123",
                            "ANYMAIL_MAILGUN_SENDER_DOMAIN": "mg.coop.example.org"}, default="smtp")
    assert found["EMAIL_BACKEND"] == "anymail.backends.mailgun.EmailBackend"
    assert found["ANYMAIL"] == {"MAILGUN_API_KEY": "key-123", "MAILGUN_SENDER_DOMAIN": "mg.coop.example.org"}
    assert found["apps"] == ["anymail"]


@pytest.mark.parametrize("environ, named", [
    ({"EMAIL_PROVIDER": "mailgum"}, "EMAIL_PROVIDER is 'mailgum'"),
    ({"EMAIL_PROVIDER": "postmark"}, "ANYMAIL_POSTMARK_SERVER_TOKEN"),
    ({"EMAIL_PROVIDER": "mailjet", "ANYMAIL_MAILJET_API_KEY": "k"}, "ANYMAIL_MAILJET_SECRET_KEY"),
    ({"EMAIL_PROVIDER": "file"}, "DJANGO_EMAIL_FILE_PATH"),
])
def test_a_provider_that_cannot_send_is_refused_naming_the_variable(environ, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        email_settings(environ, default="smtp")


def test_an_esp_without_anymail_installed_says_what_to_install():
    with pytest.raises(ImproperlyConfigured, match="pip install 'django-anymail'"):
        email_settings({"EMAIL_PROVIDER": "resend", "ANYMAIL_RESEND_API_KEY": "k"}, installed=lambda name: None)


def test_every_listed_esp_has_an_anymail_backend():
    pytest.importorskip("anymail")
    import importlib.util

    for esp in ANYMAIL_ESPS:  # found without importing (amazon_ses would need boto3)
        assert importlib.util.find_spec(f"anymail.backends.{esp}") is not None, esp


def _production(extra, code):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COOP_", "EMAIL_", "ANYMAIL_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": "prod-" + "k" * 60,
                "DJANGO_ALLOWED_HOSTS": "coop.example.org", "DJANGO_DEFAULT_FROM_EMAIL": "secretary@coop.example.org",
                **extra})
    return subprocess.run([sys.executable, "manage.py", *code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_production_with_a_service_passes_the_deploy_check_and_builds_its_backend():
    pytest.importorskip("anymail")
    mailgun = {"EMAIL_PROVIDER": "mailgun", "ANYMAIL_MAILGUN_API_KEY": "key-123"}
    deploy = _production(mailgun, ["check", "--deploy", "--fail-level", "WARNING"])
    assert deploy.returncode == 0 and "no issues" in deploy.stdout, deploy.stdout + deploy.stderr
    shown = _production(mailgun, ["shell", "-c", "from django.core.mail import get_connection; "
                                                 "print(type(get_connection()).__module__)"])
    assert "anymail.backends.mailgun" in shown.stdout.splitlines(), shown.stdout + shown.stderr


def test_production_refuses_to_start_with_a_provider_that_cannot_send():
    refused = _production({"EMAIL_PROVIDER": "sendgrid"}, ["check"])
    assert refused.returncode != 0
    assert "EMAIL_PROVIDER=sendgrid needs ANYMAIL_SENDGRID_API_KEY" in refused.stderr
