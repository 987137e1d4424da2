"""Notices reach members in the co-op's language and time zone, whoever's request sent them."""
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from coop.core.roles import BOARD
from coop.governance import notify, services

pytestmark = pytest.mark.django_db
GERMAN_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                 "November", "Dezember"]


def test_a_notice_sent_from_an_english_page_reads_in_german_and_berlin_time(make_member, settings, mailoutbox):
    settings.LANGUAGE_CODE, settings.TIME_ZONE = "de", "Europe/Berlin"
    board = make_member(roles=[BOARD], name="Berta Vorstand")
    proposal = services.create_proposal(board.user, title="Lastenräder kaufen", text="Aus der Rücklage.")
    mailoutbox.clear()
    with translation.override("en"):  # the board member who opened it reads the site in English
        assert notify.proposal_opened(proposal) >= 1
        assert translation.get_language() == "en"  # the page's own language is left as it was
    mail = mailoutbox[0]
    assert "Neuer Antrag: Lastenräder kaufen" in mail.subject
    assert "Die Abstimmung läuft bis" in mail.body and "Abstimmen:" in mail.body and "Diese E-Mails abbestellen" in mail.body
    closes = proposal.closes_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"{closes.day}. {GERMAN_MONTHS[closes.month - 1]} {closes.year} {closes:%H:%M}" in mail.body
    assert proposal.closes_at.isoformat()[:10] not in mail.body  # a date people read, not a timestamp
