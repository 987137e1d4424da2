from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from coop import profile


class Member(models.Model):
    """An entry in the register of members."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="member"
    )
    name = models.CharField(_("name"), max_length=300)
    email = models.EmailField(_("email"))
    address = models.TextField(_("address"), blank=True)
    member_class = models.CharField(_("member class"), max_length=50)
    admitted_on = models.DateField(_("date admitted"))
    ceased_on = models.DateField(_("date ceased"), null=True, blank=True)
    withdrawal_requested_on = models.DateField(_("withdrawal requested"), null=True, blank=True)

    class Meta:
        ordering = ["admitted_on", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("register of members")

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.ceased_on is None

    @property
    def class_info(self):
        return profile.current().member_class(self.member_class)

    @property
    def class_label(self):
        try:
            return self.class_info.label
        except KeyError:
            return self.member_class

    @property
    def can_vote(self):
        try:
            return self.is_active and self.class_info.voting
        except KeyError:
            return False

    @property
    def shares_held(self):
        subscribed = self.subscriptions.aggregate(n=Sum("shares"))["n"] or 0
        redeemed = self.redemptions.aggregate(n=Sum("shares"))["n"] or 0
        return subscribed - redeemed

    @property
    def capital_paid(self):
        paid = self.subscriptions.filter(paid_on__isnull=False).aggregate(a=Sum("amount"))["a"] or Decimal("0")
        redeemed = self.redemptions.aggregate(a=Sum("amount"))["a"] or Decimal("0")
        return paid - redeemed


class Application(models.Model):
    PENDING, ADMITTED, REJECTED = "pending", "admitted", "rejected"
    STATUS_CHOICES = [(PENDING, _("pending")), (ADMITTED, _("admitted")), (REJECTED, _("rejected"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    name = models.CharField(_("name"), max_length=300)
    email = models.EmailField(_("email"))
    address = models.TextField(_("address"))
    member_class = models.CharField(_("member class"), max_length=50)
    shares = models.PositiveIntegerField(_("shares"))
    statement = models.TextField(_("why you want to join"), blank=True)
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=STATUS_CHOICES, default=PENDING)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.OneToOneField(
        "governance.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )
    member = models.OneToOneField(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="application")

    class Meta:
        ordering = ["-applied_at"]
        verbose_name = _("membership application")

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    @property
    def class_label(self):
        """The class as the rules name it (Courier, Host...), not its id."""
        try:
            return profile.current().member_class(self.member_class).label
        except KeyError:
            return self.member_class


class ShareSubscription(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="subscriptions")
    shares = models.PositiveIntegerField(_("shares"))
    unit_price = models.DecimalField(_("price per share"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    subscribed_on = models.DateField(_("subscribed"))
    paid_on = models.DateField(_("paid"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["subscribed_on", "id"]
        verbose_name = _("share subscription")

    def __str__(self):
        return f"{self.member}: {self.shares}"


class ShareRedemption(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="redemptions")
    shares = models.PositiveIntegerField(_("shares"))
    amount = models.DecimalField(_("amount repaid"), max_digits=14, decimal_places=2)
    redeemed_on = models.DateField(_("redeemed"))

    class Meta:
        verbose_name = _("share redemption")

    def __str__(self):
        return f"{self.member}: -{self.shares}"


class BoardTerm(models.Model):
    """A seat on the board: a term lasts board_term_years (from the rules), then an election is due."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="board_terms")
    started_on = models.DateField(_("term started"))
    ended_on = models.DateField(_("term ended"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("board term")

    def __str__(self):
        return f"{self.member} ({self.started_on} - {self.ends_on})"

    @property
    def ends_on(self):
        years = int(profile.current().governance.get("board_term_years") or 1)
        try:
            return self.started_on.replace(year=self.started_on.year + years)
        except ValueError:  # 29 February
            return self.started_on.replace(year=self.started_on.year + years, day=28)
