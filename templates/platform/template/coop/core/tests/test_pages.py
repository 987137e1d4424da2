import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from coop import profile
from coop.core import models as audit
from coop.core.models import AuditEntry
from coop.core.views import markdown_to_html

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_coop(client):
    current = profile.current()
    html = client.get(reverse("home")).content.decode()
    assert escape(current.full_name) in html
    assert escape(current.coop["purpose"]) in html
    assert escape(current.coop["region"]) in html
    assert reverse("rules") in html


def test_coop_strings_are_escaped_never_evaluated(client, monkeypatch):
    import dataclasses
    hostile = 'Zoë\'s "Co-op" {{ 7*7 }} <script>alert(1)</script>'
    current = profile.current()
    monkeypatch.setattr(profile, "current", lambda: dataclasses.replace(current, full_name=hostile))
    html = client.get(reverse("home")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert escape(hostile) in html


def test_rules_page_renders_the_rules_markdown(client):
    source = (settings.GOVERNANCE_DIR / "rules.md").read_text(encoding="utf-8")
    response = client.get(reverse("rules"))
    assert response.status_code == 200
    assert str(markdown_to_html(source)) in response.content.decode()


def test_rules_markdown_cannot_inject_html():
    html = str(markdown_to_html("# Rules\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) **bold**"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html
    assert "<strong>bold</strong>" in html and "<h1" in html


def test_audit_trail_is_append_only_and_chained(without_db_guards):
    first = audit.record("test.one", None, n=1)
    audit.record("test.two", None, n=2)
    assert audit.verify_chain()
    first.action = "changed"
    with pytest.raises(PermissionDenied):
        first.save()
    with pytest.raises(PermissionDenied):
        first.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=first.pk).update(action="changed")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    with connection.cursor() as cursor:  # tampering behind the ORM's back is detected
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = 'forged' WHERE id = %s", [first.pk])
    assert not audit.verify_chain()


def test_the_database_refuses_to_update_an_audit_entry():
    from django.db import DatabaseError, transaction

    entry = audit.record("test.one", None)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.one"


def test_admin_cannot_change_audit_entries(admin_client):
    entry = audit.record("test.one", None)
    assert admin_client.get(reverse("admin:core_auditentry_change", args=[entry.pk])).status_code == 200
    response = admin_client.post(reverse("admin:core_auditentry_change", args=[entry.pk]), {"action": "x"})
    assert response.status_code == 403
    assert admin_client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403


def test_health_check(client):
    assert client.get("/healthz").content == b"ok"


def test_demo_data_loads(client):
    from django.core.management import call_command
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    assert client.get(reverse("marketplace:offers")).status_code == 200


def test_rules_page_shows_the_rules_title(client):
    assert escape(profile.current().rules_title) in client.get(reverse("rules")).content.decode()


def test_the_committed_migrations_match_the_models():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits (SystemExit) when a migration is missing
