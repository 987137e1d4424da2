"""Invitations: a founder (or any member without a password) gets an email with a set-password link.

The link is Django's password-reset link (one use, expires after PASSWORD_RESET_TIMEOUT), so
setting the first password and resetting a forgotten one are the same, well-tested flow.
"""
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from coop import profile


def set_password_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.COOP_BASE_URL.rstrip("/") + reverse("password_reset_confirm", args=[uid, token])


def invite(user, name=""):
    """Email the person a link to choose their password and log in. Returns the link."""
    current = profile.current()
    link = set_password_link(user)
    body = _(
        "Hello %(name)s,\n\nYou are a member of %(coop)s. Choose your password to log in to the co-op's platform:\n\n"
        "%(link)s\n\nThe link works once. Your login is this email address (%(email)s).\n"
    ) % {"name": name or user.email, "coop": current.full_name, "link": link, "email": user.email}
    send_mail(_("Your invitation to %(coop)s") % {"coop": current.full_name}, body, None, [user.email])
    return link
