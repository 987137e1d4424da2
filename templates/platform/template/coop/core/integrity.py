"""Integrity of the co-op's records: fingerprints, signed checkpoints outside the database, verification.

Three layers, each catching what the one before cannot:

1. The hash chain (AuditEntry): an edited line breaks the chain, unless someone recomputes every
   hash after it.
2. Signed checkpoints: the chain's head (seq + hash) is appended to a file OUTSIDE the database,
   signed with an HMAC key the database never holds (COOP_CHECKPOINT_KEY). A recomputed chain or
   a deleted tail no longer matches a checkpoint, and a forged checkpoint fails its signature.
3. Record fingerprints: every vote, result, proposal, patronage record, sweat-equity entry, share
   movement and allocation line is fingerprinted in its chain entry, so a row changed in the
   database (even with the triggers dropped) no longer matches the chain.
"""
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import timezone

#: The records whose every version is fingerprinted in the chain: model label → fields.
CHAINED = {
    "governance.proposal": ("title", "text", "kind", "decision_tool", "options", "opens_at", "closes_at", "rules", "secret"),
    "governance.vote": ("proposal_id", "member_id", "member_class", "choice", "ranking", "salt"),
    "governance.proposalresult": ("proposal_id", "eligible", "voted", "votes_for", "votes_against", "abstentions",
                                  "blocks", "for_share", "quorum_met", "passed", "outcome"),
    "ledger.patronagerecord": ("member_id", "date", "hours", "revenue", "transactions", "order_id", "status",
                               "reviewed_by_id"),
    "ledger.sweatequityentry": ("member_id", "date", "hours", "pre_revenue", "paid", "value", "status", "reviewed_by_id"),
    "ledger.surplusallocation": ("year", "surplus", "basis", "proposal_id"),
    "ledger.allocationline": ("allocation_id", "kind", "member_id", "patronage", "amount"),
    "members.sharesubscription": ("member_id", "shares", "unit_price", "amount", "subscribed_on", "paid_on"),
    "members.shareredemption": ("member_id", "shares", "amount", "redeemed_on"),
}


def _canonical(values):
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)


def _digest(values):
    return hashlib.sha256(_canonical(values).encode("utf-8")).hexdigest()


def digest_of(obj, read_back=True):
    """The record's fingerprint, read back from the database (so it compares like with like).

    read_back=False fingerprints the object as it was just saved, without the query: only for records
    whose fields come back from the database exactly as they were written (a vote: ids, strings and a
    list of ints; coop/governance/tests/test_fast_paths.py checks both ways agree for every ballot).
    """
    fields = CHAINED.get(obj._meta.label_lower)
    if fields is None:
        raise ValueError(f"{obj._meta.label} is not a chained record.")
    if not read_back:
        return _digest({name: getattr(obj, name) for name in fields})
    values = type(obj)._base_manager.filter(pk=obj.pk).values(*fields).get()
    return _digest(values)


# --- checkpoints outside the database -----------------------------------------------------------


def checkpoint_key():
    key = getattr(settings, "COOP_CHECKPOINT_KEY", "") or ""
    if not key:  # derived from the secret key: still never stored in the database
        key = hmac.new(settings.SECRET_KEY.encode(), b"coop-audit-checkpoint", hashlib.sha256).hexdigest()
    return key.encode("utf-8")


def checkpoint_file():
    return Path(settings.COOP_CHECKPOINT_FILE)


def sign(body):
    return hmac.new(checkpoint_key(), _canonical(body).encode("utf-8"), hashlib.sha256).hexdigest()


def read_checkpoints(path=None):
    path = Path(path or checkpoint_file())
    if not path.exists():
        return []
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                lines.append((number, json.loads(line)))
            except ValueError:
                lines.append((number, {}))
    return lines


def write_checkpoint():
    """Append the chain's current head to the checkpoint file, signed. Returns the line (or None)."""
    from .models import AuditEntry

    head = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
    if head is None:
        return None
    existing = read_checkpoints()
    if existing and existing[-1][1].get("seq") == head.seq and existing[-1][1].get("hash") == head.hash:
        return existing[-1][1]
    body = {"seq": head.seq, "hash": head.hash, "at": timezone.now().isoformat(timespec="seconds")}
    line = {**body, "mac": sign(body)}
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(_canonical(line) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return line


def latest_checkpoint():
    """The newest checkpoint whose signature holds, or None."""
    for _number, line in reversed(read_checkpoints()):
        body = {k: line.get(k) for k in ("seq", "hash", "at")}
        if line.get("mac") and hmac.compare_digest(str(line["mac"]), sign(body)):
            return line
    return None


# --- verification ------------------------------------------------------------------------------


@dataclass
class Report:
    entries: int
    checkpoints: int
    records: int
    problems: list

    @property
    def intact(self):
        return not self.problems


def verify_all():
    """Everything: the chain, every checkpoint, every chained record. Returns a Report."""
    from .models import AuditEntry, first_break

    problems = []
    entries = AuditEntry.objects.order_by("seq")
    broken = first_break(entries.iterator(chunk_size=2000))
    if broken is not None:
        problems.append(f"The audit chain is broken at entry #{broken}: an entry was changed, removed or reordered.")
    hashes = dict(entries.values_list("seq", "hash"))
    last_seq = max(hashes) if hashes else 0

    checkpoints = read_checkpoints()
    for number, line in checkpoints:
        body = {k: line.get(k) for k in ("seq", "hash", "at")}
        if not line.get("mac") or not hmac.compare_digest(str(line["mac"]), sign(body)):
            problems.append(f"Checkpoint line {number}: the signature does not match (the file was edited, or the "
                            "key is wrong).")
            continue
        seq = line["seq"]
        if seq > last_seq:
            problems.append(f"Audit entries #{last_seq + 1} to #{seq} are missing: the checkpoint signed at "
                            f"{line['at']} recorded #{seq} (entries were deleted).")
        elif hashes.get(seq) != line["hash"]:
            problems.append(f"Entry #{seq} no longer matches the checkpoint signed at {line['at']}: the chain was "
                            "rewritten.")

    latest = {}
    for ref, digest in AuditEntry.objects.exclude(ref="").order_by("seq").values_list("ref", "digest"):
        latest[ref] = digest
    records = 0
    for label, fields in CHAINED.items():
        model = apps.get_model(label)
        prefix = label + ":"
        chained = {int(ref[len(prefix):]): d for ref, d in latest.items() if ref.startswith(prefix)}
        for row in model._base_manager.values("pk", *fields).iterator(chunk_size=2000):
            records += 1
            pk = row.pop("pk")
            expected = chained.pop(pk, None)
            if expected is None:
                problems.append(f"{model._meta.verbose_name} {pk} is not in the audit chain (added behind the "
                                "platform's back).")
            elif expected != _digest(row):
                problems.append(f"{model._meta.verbose_name} {pk} was changed after it was recorded in the audit chain.")
        for pk in sorted(chained):
            problems.append(f"{model._meta.verbose_name} {pk} is in the audit chain but missing from the database "
                            "(deleted).")
    return Report(entries=len(hashes), checkpoints=len(checkpoints), records=records, problems=problems)
