import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Offer(models.Model):
    """A worker-member's offer (the sector calls it a listing, slot, service...)."""

    worker = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("price per unit"), max_digits=12, decimal_places=2)
    active = models.BooleanField(_("open for orders"), default=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("offer")

    def __str__(self):
        return self.title


class Order(models.Model):
    REQUESTED, ACCEPTED, IN_PROGRESS, COMPLETED, CANCELLED = "requested", "accepted", "in_progress", "completed", "cancelled"
    STATUS_CHOICES = [
        (REQUESTED, _("requested")), (ACCEPTED, _("accepted")), (IN_PROGRESS, _("in progress")),
        (COMPLETED, _("completed")), (CANCELLED, _("cancelled")),
    ]
    TRANSITIONS = {
        REQUESTED: {ACCEPTED, CANCELLED},
        ACCEPTED: {IN_PROGRESS, CANCELLED},
        IN_PROGRESS: {COMPLETED, CANCELLED},
        COMPLETED: set(),
        CANCELLED: set(),
    }

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    customer_name = models.CharField(_("your name"), max_length=300)
    customer_email = models.EmailField(_("your email"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=Decimal(1))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    commission = models.DecimalField(_("co-op commission"), max_digits=14, decimal_places=2)
    commission_percent = models.DecimalField(_("commission rate (%)"), max_digits=6, decimal_places=3)
    hours = models.DecimalField(_("hours of work"), max_digits=10, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=12, choices=STATUS_CHOICES, default=REQUESTED)
    details = models.JSONField(_("details"), default=dict, blank=True)
    assigned_to = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="assigned_orders", verbose_name=_("dispatched to"))
    tracking_code = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")

    def __str__(self):
        return f"#{self.pk} {self.offer}"

    @property
    def worker_share(self):
        return self.amount - self.commission


class StatusChange(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def to_status_label(self):
        """The new status as the customer reads it, in the page's language."""
        return dict(Order.STATUS_CHOICES).get(self.to_status, self.to_status)
