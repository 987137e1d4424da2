from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop import profile
from coop.core.appendonly import AppendOnlyModel

from .counting import ABSTAIN, AGAINST, FOR, ORDINARY, SPECIAL


class GeneralMeeting(models.Model):
    AGM, EGM = "agm", "egm"
    KIND_CHOICES = [(AGM, _("Annual general meeting")), (EGM, _("Extraordinary general meeting"))]

    kind = models.CharField(_("kind"), max_length=3, choices=KIND_CHOICES, default=AGM)
    title = models.CharField(_("title"), max_length=300)
    scheduled_for = models.DateTimeField(_("date and time"))
    location = models.CharField(_("place or link"), max_length=300)
    agenda = models.TextField(_("agenda"))
    notice_given_at = models.DateTimeField(_("notice given"), default=timezone.now)
    minutes = models.TextField(_("minutes"), blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-scheduled_for"]
        verbose_name = _("general meeting")

    def __str__(self):
        return f"{self.title} ({self.scheduled_for:%Y-%m-%d})"

    def clean(self):
        days = profile.current().notice_days
        if self.scheduled_for and self.scheduled_for < self.notice_given_at + timezone.timedelta(days=days):
            raise ValidationError({"scheduled_for": _("Members must get at least %(days)s days' notice.") % {"days": days}})


class Proposal(models.Model):
    KIND_CHOICES = [(ORDINARY, _("Ordinary resolution")), (SPECIAL, _("Special resolution"))]

    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES, default=ORDINARY)
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    meeting = models.ForeignKey(GeneralMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("proposal")

    def __str__(self):
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Voting must close after it opens.")})

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at and not hasattr(self, "result")


class Vote(AppendOnlyModel):
    """One member, one vote: the database refuses a second vote on the same proposal."""

    CHOICES = [(FOR, _("For")), (AGAINST, _("Against")), (ABSTAIN, _("Abstain"))]

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="votes")
    member_class = models.CharField(max_length=50)
    choice = models.CharField(_("vote"), max_length=7, choices=CHOICES)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="one_member_one_vote")]
        verbose_name = _("vote")


class ProposalResult(AppendOnlyModel):
    """The declared result of a proposal; written once, never changed."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="result")
    declared_at = models.DateTimeField()
    eligible = models.PositiveIntegerField(_("voting members"))
    voted = models.PositiveIntegerField(_("voted"))
    votes_for = models.PositiveIntegerField(_("for"))
    votes_against = models.PositiveIntegerField(_("against"))
    abstentions = models.PositiveIntegerField(_("abstentions"))
    for_share = models.CharField(_("share for (exact)"), max_length=100)
    quorum_met = models.BooleanField(_("quorum met"))
    passed = models.BooleanField(_("passed"))
    rules = models.JSONField(_("rules applied"))

    class Meta:
        verbose_name = _("result")


class BoardDecision(AppendOnlyModel):
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("decision"))
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    votes_for = models.PositiveIntegerField(_("for"), default=0)
    votes_against = models.PositiveIntegerField(_("against"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("board decision")

    def __str__(self):
        return self.title
