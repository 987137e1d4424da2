"""Email to members: proposal opened, closing in 24 hours, result, meeting notice.

Every message carries a one-click unsubscribe link (a signed token); members can also switch
emails off and on from "My membership". The email backend is a setting (console locally, SMTP
from the environment in production).
"""
from functools import wraps

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coop import profile

SALT = "coop.unsubscribe"


def link(path):
    return settings.COOP_BASE_URL.rstrip("/") + path


def unsubscribe_link(user):
    return link(reverse("unsubscribe", args=[signing.dumps(user.pk, salt=SALT)]))


def user_from_token(token):
    from django.contrib.auth import get_user_model

    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk).first()


def in_the_coops_language(notice):
    """Members read notices in the co-op's language and time zone, whoever's request sent them."""

    @wraps(notice)
    def wrapped(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
            return notice(*args, **kwargs)

    return wrapped


def when(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def recipients(voting_only=False, exclude_voted_on=None):
    from coop.members.models import Member

    members = Member.objects.filter(ceased_on__isnull=True, user__isnull=False, user__notify_by_email=True,
                                    user__is_active=True).select_related("user")
    if exclude_voted_on is not None:
        members = members.exclude(votes__proposal=exclude_voted_on)
    return [m.user for m in members if not voting_only or m.can_vote]


def send(users, subject, body):
    name = profile.current().full_name
    messages = [
        EmailMessage(f"[{name}] {subject}", f"{body}\n\n--\n{name}\n" + _("Stop these emails: %(link)s") % {"link": unsubscribe_link(u)},
                     to=[u.email], headers={"List-Unsubscribe": f"<{unsubscribe_link(u)}>"})
        for u in users
    ]
    if messages:
        get_connection(fail_silently=True).send_messages(messages)
    return len(messages)


@in_the_coops_language
def proposal_opened(proposal):
    url = link(reverse("governance:proposal", args=[proposal.pk]))
    return send(recipients(voting_only=True), _("New proposal: %(title)s") % {"title": proposal.title},
                _("Voting is open until %(closes)s.\n\n%(text)s\n\nVote: %(url)s")
                % {"closes": when(proposal.closes_at), "text": proposal.text, "url": url})


@in_the_coops_language
def closing_soon(proposal):
    url = link(reverse("governance:proposal", args=[proposal.pk]))
    return send(recipients(voting_only=True, exclude_voted_on=proposal),
                _("Closing within 24 hours: %(title)s") % {"title": proposal.title},
                _("You have not voted yet. Voting closes at %(closes)s.\n\nVote: %(url)s")
                % {"closes": when(proposal.closes_at), "url": url})


@in_the_coops_language
def result_declared(proposal):
    result = proposal.result
    url = link(reverse("governance:proposal", args=[proposal.pk]))
    outcome = _("passed") if result.passed else _("not passed")
    return send(recipients(), _("Result: %(title)s (%(outcome)s)") % {"title": proposal.title, "outcome": outcome},
                _("%(voted)s of %(eligible)s voting members voted. Details: %(url)s")
                % {"voted": result.voted, "eligible": result.eligible, "url": url})


@in_the_coops_language
def meeting_called(meeting):
    url = link(reverse("governance:meeting", args=[meeting.pk]))
    return send(recipients(), _("Notice of meeting: %(title)s") % {"title": meeting.title},
                _("When: %(when)s\nWhere: %(where)s\n\nAgenda:\n%(agenda)s\n\n%(url)s")
                % {"when": when(meeting.scheduled_for), "where": meeting.location,
                   "agenda": meeting.agenda, "url": url})
