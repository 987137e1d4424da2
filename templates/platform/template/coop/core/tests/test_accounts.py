"""First production run: email login, invitations with a set-password link, password reset and change,
login throttling, and no error page for a superuser who is not a member."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coop import profile
from coop.members.models import Member

pytestmark = pytest.mark.django_db


def User():  # the user model, looked up once settings are loaded
    return get_user_model()


def link_in(message):
    return re.search(r"https?://[^\s]+", message.body).group(0)


def test_email_is_the_login_and_the_user_model_is_ours():
    assert User()._meta.label == "core.User" and User().USERNAME_FIELD == "email"
    user = User().objects.create_user("Ana@Example.org", "a-long-pass-phrase-42")
    assert user.email == "ana@example.org"


def test_founders_get_an_invitation_and_set_their_password_from_it(client):
    call_command("bootstrap_coop", "--invite")
    founders = profile.current().coop["founders"]
    assert len(mail.outbox) == len(founders)
    first = mail.outbox[0]
    assert first.to == [founders[0]["email"].lower()] and profile.current().full_name in first.subject
    path = link_in(first).replace("http://testserver", "")
    form_page = client.get(path, follow=True)
    assert b"Choose your password" in form_page.content
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "cargo-bikes-for-all-7", "new_password2": "cargo-bikes-for-all-7"})
    assert done.status_code == 302
    assert client.login(email=founders[0]["email"], password="cargo-bikes-for-all-7")
    assert client.get(reverse("governance:proposals")).status_code == 200
    assert b"already been used" in client.get(path, follow=True).content  # the link works once
    call_command("bootstrap_coop", "--invite")  # idempotent: only founders still without a password
    assert len(mail.outbox) == 2 * len(founders) - 1


def test_password_reset_and_change(make_member, client):
    member = make_member()
    response = client.post(reverse("password_reset"), {"email": member.user.email})
    assert response.status_code == 302 and len(mail.outbox) == 1
    path = link_in(mail.outbox[0]).replace("http://testserver", "")
    form = client.get(path, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "a-new-pass-phrase-9", "new_password2": "a-new-pass-phrase-9"})
    assert client.login(email=member.user.email, password="a-new-pass-phrase-9")
    response = client.post(reverse("password_change"), {"old_password": "a-new-pass-phrase-9",
                                                        "new_password1": "another-pass-phrase-8",
                                                        "new_password2": "another-pass-phrase-8"})
    assert response.status_code == 302
    client.logout()
    assert client.login(email=member.user.email, password="another-pass-phrase-8")


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_logins_are_throttled(make_member, client):
    member = make_member()
    for _ in range(3):
        response = client.post(reverse("login"), {"username": member.user.email, "password": "wrong"})
    assert response.status_code == 429 and b"Too many failed logins" in response.content
    locked = client.post(reverse("login"), {"username": member.user.email, "password": "pw-for-tests-123"})
    assert locked.status_code == 429  # even the right password, until the cool-off ends


def _simple_urls(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            route = str(pattern.pattern)
            if route.startswith(("admin", "api", "i18n", "accounts")):
                continue
            yield from _simple_urls(pattern, prefix + route)
        elif isinstance(pattern, URLPattern) and "<" not in str(pattern.pattern):
            yield "/" + prefix + str(pattern.pattern)


def test_a_superuser_who_is_not_a_member_never_gets_an_error(client, make_member):
    from coop.core.roles import BOARD
    from coop.governance import services

    board = make_member(roles=[BOARD])
    proposal = services.create_proposal(board.user, title="Anything", decision_tool="proposal")
    admin = User().objects.create_superuser("root@example.org", "a-long-pass-phrase-42")
    client.force_login(admin)
    urls = sorted(set(_simple_urls())) + [reverse("governance:proposal", args=[proposal.pk]),
                                          reverse("export", args=["proposals", "csv"])]
    assert len(urls) > 15
    for url in urls:
        response = client.get(url)  # an exception here would be a 500
        assert response.status_code in (200, 302, 403, 405), (url, response.status_code)
        if response.status_code == 403 and url.startswith(("/ledger", "/governance", "/export")):
            assert b"Members only" in response.content or b"Not allowed" in response.content, url
    page = client.get(reverse("ledger:index"))
    assert page.status_code == 403 and b"not an active member" in page.content


def test_duplicate_applications_are_refused(client, make_member):
    form = {"name": "Dee", "email": "dee@example.org", "address": "1 Road", "shares": 1, "statement": "",
            "member_class": profile.current().member_classes[0].id, "password": "a-long-pass-phrase-42"}
    assert client.post(reverse("members:apply"), form).status_code == 302
    again = client.post(reverse("members:apply"), form)
    assert b"You already have an application waiting for a decision" in again.content
    client.logout()
    other = client.post(reverse("members:apply"), form)
    assert b"An account with this email already exists" in other.content
    member = make_member()
    client.force_login(member.user)
    assert b"You are already a member" in client.post(reverse("members:apply"), {**form, "email": "x@example.org"}).content
    assert Member.objects.filter(email="dee@example.org").count() == 0


def test_language_switcher_and_time_zone(client, settings):
    settings.LANGUAGES = [("en", "English"), ("pt-br", "Brazilian Portuguese")]
    page = client.get(reverse("home")).content.decode()
    assert 'action="/i18n/setlang/"' in page and "Português" in page
    assert settings.TIME_ZONE == (profile.current().rules["platform"].get("timezone") or "UTC")
    client.post("/i18n/setlang/", {"language": "pt-br", "next": "/"})
    assert 'lang="pt-br"' in client.get(reverse("home")).content.decode()
