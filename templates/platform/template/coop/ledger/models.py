from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop import profile

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
REVIEW_CHOICES = [(PENDING, _("waiting for approval")), (APPROVED, _("approved")), (REJECTED, _("rejected"))]


class PatronageRecord(models.Model):
    """What a member contributed: hours, revenue and transactions (the basis is chosen by the rules).

    Self-reported hours count only once the board or a second member approved them; patronage
    from a completed order is approved by the order itself.
    """

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="patronage")
    date = models.DateField(_("date"), default=timezone.localdate)
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2, default=0)
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, default=0)
    transactions = models.PositiveIntegerField(_("transactions"), default=0)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.OneToOneField("marketplace.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="patronage")
    status = models.CharField(_("status"), max_length=10, choices=REVIEW_CHOICES, default=PENDING)
    reviewed_by = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("patronage record")
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gte=0, revenue__gte=0), name="patronage_not_negative"),
        ]


class SweatEquityEntry(models.Model):
    """Work counted as sweat equity (kept apart from share capital)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="sweat_equity")
    date = models.DateField(_("date"), default=timezone.localdate)
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2)
    description = models.CharField(_("what was done"), max_length=300)
    pre_revenue = models.BooleanField(_("before the co-op had revenue"), default=False)
    paid = models.BooleanField(_("the work was paid"), default=False)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=REVIEW_CHOICES, default=PENDING)
    reviewed_by = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("sweat equity entry")
        verbose_name_plural = _("sweat equity")
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="sweat_equity_positive")]

    def compute_value(self):
        rules = profile.current().rules["sweat_equity"]
        value = Decimal(self.hours) * Decimal(str(rules["hourly_value"]))
        if self.pre_revenue:
            value *= Decimal(str(rules["founder_risk_multiplier"]))
        if self.paid:
            value *= Decimal(str(rules["paid_work_discount"]))
        return value.quantize(Decimal("0.01"))

    def save(self, *args, **kwargs):
        self.value = self.compute_value()
        super().save(*args, **kwargs)


class SurplusAllocation(models.Model):
    year = models.PositiveIntegerField(_("financial year"), unique=True)
    surplus = models.DecimalField(_("surplus"), max_digits=14, decimal_places=2)
    basis = models.CharField(_("patronage basis"), max_length=20)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    proposal = models.OneToOneField("governance.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="allocation")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("surplus allocation")

    def __str__(self):
        return f"{self.year}: {self.surplus}"

    @property
    def status(self):
        if self.proposal is None:
            return _("draft")
        result = getattr(self.proposal, "result", None)
        if result is None:
            return _("proposed to members")
        return _("approved by members") if result.passed else _("rejected by members")


class AllocationLine(models.Model):
    allocation = models.ForeignKey(SurplusAllocation, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("part"), max_length=30)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT)
    patronage = models.DecimalField(_("patronage"), max_digits=14, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]

    LABELS = {"reserve": _("Reserve fund"), "education": _("Education and training fund"),
              "community": _("Community fund"), "patronage": _("Patronage refund")}

    @property
    def kind_label(self):
        """The part of the surplus as members read it, in the page's language."""
        return self.LABELS.get(self.kind, self.kind)
