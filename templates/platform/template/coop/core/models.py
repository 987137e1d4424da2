import hashlib
import json

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .appendonly import AppendOnlyModel

GENESIS = "0" * 64
#: PostgreSQL advisory lock key taken by a transaction that appends to the chain (its own key space: "coop").
CHAIN_LOCK = int.from_bytes(b"coopaudt", "big") >> 1


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person who can log in: the email address is the login (no separate username)."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    notify_by_email = models.BooleanField(_("email me about decisions and meetings"), default=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        ordering = ["id"]

    def __str__(self):
        return self.email


class AuditEntry(AppendOnlyModel):
    """One line of the co-op's audit trail; each line's hash covers the previous one.

    `ref` names the record the line is about ("governance.vote:12") and `digest` is that record's
    fingerprint when the line was written, so a row changed later no longer matches its line.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100)
    payload = models.JSONField(_("details"), default=dict)
    ref = models.CharField(_("record"), max_length=100, blank=True, db_index=True)
    digest = models.CharField(_("record fingerprint"), max_length=64, blank=True)
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
        if self.ref or self.digest:
            body.update(ref=self.ref, digest=self.digest)
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256((self.prev_hash + canonical).encode("utf-8")).hexdigest()


class VerifiedHead(models.Model):
    """How far the audit page has verified the chain (so each view checks only the new lines)."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)


def _json_safe(payload):
    return json.loads(json.dumps(payload, default=str))


def actor_name(actor):
    if actor is None:
        return "system"
    if getattr(actor, "pk", None) is not None and hasattr(actor, "get_username"):
        return f"user#{actor.pk}"
    return str(actor)


def ref_of(obj):
    return f"{obj._meta.label_lower}:{obj.pk}"


def _chain_head(lock=False):
    """(seq, hash) of the newest entry, or (0, GENESIS). Plain SQL: it is read inside every write's transaction
    (while SQLite holds its write lock), where the ORM's query building would keep other writers waiting.

    lock=True (PostgreSQL): the transaction's advisory lock on the chain is taken first, in the same round trip
    (two statements in one simple query; in READ COMMITTED each statement reads its own snapshot, so the head is
    read once the lock is held, as with two round trips)."""
    head = f"SELECT seq, hash FROM {connection.ops.quote_name(AuditEntry._meta.db_table)} ORDER BY seq DESC LIMIT 1"
    with connection.cursor() as cursor:
        if lock:
            cursor.execute(f"SELECT pg_advisory_xact_lock({int(CHAIN_LOCK)}); {head}")  # no parameters: one simple query
            cursor.nextset()
        else:
            cursor.execute(head)
        row = cursor.fetchone()
    return tuple(row) if row else (0, GENESIS)


def record(action, actor=None, obj=None, *, read_back=True, **payload):
    """Append an entry to the audit trail (retrying if another writer took the same slot).

    With `obj` (a model with chain_fields), the entry also fingerprints that record (see
    integrity.digest_of for read_back).
    """
    from . import rows
    from .integrity import digest_of

    ref = ref_of(obj) if obj is not None else ""
    digest = digest_of(obj, read_back=read_back) if obj is not None else ""
    # Inside the caller's transaction, appenders take turns where the database allows it, so the head read next
    # stays the head until this transaction ends and no savepoint is needed to retry from: SQLite's transaction
    # that writes already holds the database's only write lock; PostgreSQL's takes a transaction-scoped
    # advisory lock first. Elsewhere a savepoint lets a writer that lost the slot to another retry.
    turns = connection.in_atomic_block and connection.vendor in ("sqlite", "postgresql")
    for _attempt in range(8):
        try:
            with transaction.atomic(savepoint=not turns):
                last_seq, last_hash = _chain_head(lock=turns and connection.vendor == "postgresql")
                entry = AuditEntry(
                    seq=last_seq + 1,
                    created_at=timezone.now(),
                    actor=actor_name(actor),
                    action=action,
                    payload=_json_safe(payload),
                    ref=ref, digest=digest,
                    prev_hash=last_hash,
                )
                entry.hash = entry.compute_hash()
                rows.insert(entry)  # entry.save(), with the INSERT compiled once per connection
                return entry
        except IntegrityError:
            if turns:
                raise
            continue
    raise RuntimeError("Could not append to the audit trail.")


def first_break(entries, prev=GENESIS, expected_seq=1):
    """The first entry (seq) that does not chain onto the one before it, or None."""
    for entry in entries:
        if entry.seq != expected_seq or entry.prev_hash != prev or entry.compute_hash() != entry.hash:
            return expected_seq
        prev = entry.hash
        expected_seq += 1
    return None


def verify_chain():
    """True when no entry was altered, removed or reordered (the whole chain, from the start)."""
    return first_break(AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)) is None


def verify_incrementally():
    """Verify only the entries added since the last verified head (checkpointed in VerifiedHead).

    Returns (intact, verified_up_to). The verified head itself must still be in place, unchanged.
    """
    head = VerifiedHead.objects.first() or VerifiedHead(seq=0, hash=GENESIS)
    # the verified head's own entry (the anchor) and every entry after it, in one query
    new = list(AuditEntry.objects.filter(seq__gte=max(head.seq, 1)).order_by("seq"))
    if head.seq:
        anchor = new.pop(0) if new and new[0].seq == head.seq else None
        if anchor is None or anchor.hash != head.hash or anchor.compute_hash() != head.hash:
            return False, head.seq - 1
    broken = first_break(new, prev=head.hash, expected_seq=head.seq + 1)
    if broken is not None:
        return False, broken - 1
    if new:
        head.seq, head.hash = new[-1].seq, new[-1].hash
        head.save()
    return True, head.seq


class ApiToken(models.Model):
    """A member's token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, default="api")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API token")

    @classmethod
    def issue(cls, user, name="api"):
        import secrets

        key = secrets.token_urlsafe(32)
        cls.objects.create(user=user, name=name, key_hash=hashlib.sha256(key.encode()).hexdigest())
        return key

    @classmethod
    def user_for(cls, key):
        token = cls.objects.filter(key_hash=hashlib.sha256(str(key).encode()).hexdigest()).select_related("user").first()
        return token.user if token and token.user.is_active else None
