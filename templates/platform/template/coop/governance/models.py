import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop import profile
from coop.core.appendonly import AppendOnlyModel

from .counting import ABSTAIN, AGAINST, BLOCK, FOR, ORDINARY, SPECIAL

PROPOSAL, CONSENT, POLL, DOT, RANKED = "proposal", "consent", "poll", "dot", "ranked"
OPTION_TOOLS = (POLL, DOT, RANKED)
#: Fields that decide an outcome: frozen once voting opens (model, queryset, admin and database).
FROZEN_FIELDS = ("title", "text", "kind", "decision_tool", "options", "opens_at", "closes_at", "rules", "secret")


def new_salt():
    """32 hex characters: makes a secret ballot's fingerprint in the audit chain unguessable."""
    return secrets.token_hex(16)


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
    # when the meeting was last saved: the proposals page's cached list of meetings changes with it
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-scheduled_for"]
        verbose_name = _("general meeting")

    def __str__(self):
        return f"{self.title} ({self.scheduled_for:%Y-%m-%d})"

    def clean(self):
        days = profile.current().notice_days
        if self.scheduled_for and self.scheduled_for < self.notice_given_at + timezone.timedelta(days=days):
            raise ValidationError({"scheduled_for": _("Members must get at least %(days)s days' notice.") % {"days": days}})


class FrozenProposal(ValidationError):
    pass


class ProposalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        frozen = sorted(set(kwargs) & set(FROZEN_FIELDS))
        if frozen and self.filter(opens_at__lte=timezone.now()).exists():
            raise FrozenProposal(_("Voting has opened: %(fields)s can no longer change.") % {"fields": ", ".join(frozen)})
        return super().update(**kwargs)


class Proposal(models.Model):
    KIND_CHOICES = [(ORDINARY, _("Ordinary resolution")), (SPECIAL, _("Special resolution"))]
    TOOL_CHOICES = [(PROPOSAL, _("Proposal (for, against, abstain, block)")), (CONSENT, _("Consent (passes unless someone objects)")),
                    (POLL, _("Poll (choose one option)")), (DOT, _("Dot vote (spread your dots)")),
                    (RANKED, _("Ranked choice (instant run-off)"))]

    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES, default=ORDINARY)
    decision_tool = models.CharField(_("decision tool"), max_length=10, choices=TOOL_CHOICES, default=PROPOSAL)
    options = models.JSONField(_("options"), default=list, blank=True)
    secret = models.BooleanField(_("secret ballot"), default=False,
                                 help_text=_("Nobody, not even the board, can see who voted for what."))
    opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    rules = models.JSONField(_("rules applied"), default=dict, blank=True, editable=False)
    meeting = models.ForeignKey(GeneralMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposer = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seconded_by = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        indexes = [models.Index(fields=["closes_at"])]

    def __str__(self):
        return self.title

    @property
    def awaiting_seconder(self):
        return self.opens_at is None

    def has_opened(self, now=None):
        return self.opens_at is not None and self.opens_at <= (now or timezone.now())

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Voting must close after it opens.")})
        if self.decision_tool in OPTION_TOOLS:
            options = [str(o).strip() for o in self.options or [] if str(o).strip()]
            if len(options) < 2:
                raise ValidationError({"options": _("A %(tool)s needs at least two options.") % {"tool": self.get_decision_tool_display()}})
            if len(set(options)) != len(options):
                raise ValidationError({"options": _("Each option must be different.")})
            if self.kind == SPECIAL:
                raise ValidationError({"kind": _("A special resolution is decided by a proposal or consent, not by a %(tool)s.")
                                       % {"tool": self.get_decision_tool_display()}})

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk:
            stored = type(self)._base_manager.filter(pk=self.pk).values(*FROZEN_FIELDS).first()
            if stored and stored["opens_at"] is not None and stored["opens_at"] <= timezone.now():
                changed = [f for f in FROZEN_FIELDS if stored[f] != getattr(self, f)]
                if changed:
                    raise FrozenProposal(_("Voting has opened: %(fields)s can no longer change.") % {"fields": ", ".join(changed)})
        super().save(*args, **kwargs)

    def is_open(self, now=None):
        now = now or timezone.now()
        return (self.opens_at is not None and self.opens_at <= now < self.closes_at
                and not hasattr(self, "result"))

    def option_list(self):
        return list(enumerate(self.options or []))


class Vote(AppendOnlyModel):
    """One member, one vote: the database refuses a second vote on the same proposal."""

    CHOICES = [(FOR, _("For")), (AGAINST, _("Against")), (ABSTAIN, _("Abstain")), (BLOCK, _("Block"))]

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="votes")
    member_class = models.CharField(max_length=50)
    choice = models.CharField(_("vote"), max_length=20, blank=True)
    ranking = models.JSONField(_("ranking or dots"), default=list, blank=True)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="one_member_one_vote")]
        verbose_name = _("vote")

    CONSENT_LABELS = {FOR: _("Consent"), BLOCK: _("Object (block)"), ABSTAIN: _("Stand aside")}

    @property
    def choice_label(self):
        """The ballot as members read it: the choice's name, the option chosen, the dots or the ranking
        by option (a vote read through its proposal's `votes` knows the proposal without a query)."""
        tool, options = self.proposal.decision_tool, list(self.proposal.options or [])

        def option(index):
            index = int(index)
            return options[index] if 0 <= index < len(options) else str(index)

        if tool == CONSENT:
            return self.CONSENT_LABELS.get(self.choice, self.choice)
        if tool == POLL and str(self.choice).isdigit():
            return option(self.choice)
        if tool == DOT:
            return ", ".join(f"{option(i)}: {n}" for i, n in enumerate(self.ranking or []) if n)
        if tool == RANKED:
            return " > ".join(option(i) for i in self.ranking or [])
        return dict(self.CHOICES).get(self.choice, self.choice)


class ProposalResult(AppendOnlyModel):
    """The declared result of a proposal; written once, never changed."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="result")
    declared_at = models.DateTimeField()
    eligible = models.PositiveIntegerField(_("voting members"))
    voted = models.PositiveIntegerField(_("voted"))
    votes_for = models.PositiveIntegerField(_("for"))
    votes_against = models.PositiveIntegerField(_("against"))
    abstentions = models.PositiveIntegerField(_("abstentions"))
    blocks = models.PositiveIntegerField(_("blocks"), default=0)
    for_share = models.CharField(_("share for (exact)"), max_length=100)
    quorum_met = models.BooleanField(_("quorum met"))
    passed = models.BooleanField(_("passed"))
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    rules = models.JSONField(_("rules applied"))

    class Meta:
        verbose_name = _("result")


class Comment(AppendOnlyModel):
    """A member's contribution to the discussion of a proposal or a thread."""

    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="comments")
    thread = models.ForeignKey("Thread", null=True, blank=True, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")


class Thread(models.Model):
    """A discussion that may lead to a proposal."""

    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("what to discuss"))
    author = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("discussion")

    def __str__(self):
        return self.title


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
