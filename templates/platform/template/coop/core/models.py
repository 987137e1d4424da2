import hashlib
import json

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .appendonly import AppendOnlyModel

GENESIS = "0" * 64


class AuditEntry(AppendOnlyModel):
    """One line of the co-op's audit trail; each line's hash covers the previous one."""

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100)
    payload = models.JSONField(_("details"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def compute_hash(self):
        body = {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "payload": self.payload,
        }
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256((self.prev_hash + canonical).encode("utf-8")).hexdigest()


def _json_safe(payload):
    return json.loads(json.dumps(payload, default=str))


def record(action, actor=None, **payload):
    """Append an entry to the audit trail (retrying if another writer took the same slot)."""
    actor_name = getattr(actor, "username", None) or (str(actor) if actor else "system")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                last = AuditEntry.objects.order_by("-seq").first()
                entry = AuditEntry(
                    seq=(last.seq + 1) if last else 1,
                    created_at=timezone.now(),
                    actor=actor_name,
                    action=action,
                    payload=_json_safe(payload),
                    prev_hash=last.hash if last else GENESIS,
                )
                entry.hash = entry.compute_hash()
                entry.save()
                return entry
        except IntegrityError:
            continue
    raise RuntimeError("Could not append to the audit trail.")


def verify_chain():
    """True when no entry was altered, removed or reordered."""
    prev = GENESIS
    for expected_seq, entry in enumerate(AuditEntry.objects.order_by("seq"), start=1):
        if entry.seq != expected_seq or entry.prev_hash != prev or entry.compute_hash() != entry.hash:
            return False
        prev = entry.hash
    return True
