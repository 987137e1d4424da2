"""A first production run, for real: production settings from the environment, `check --deploy` clean,
migrate, bootstrap and invite the founders (email written to files), set a password from the emailed
link, log in, propose and vote, then verify the audit trail against its signed checkpoint."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

WALK = r'''
import re, sys
from pathlib import Path
import django
django.setup()
from django.test import Client
from coop.governance.models import Proposal, Vote

link = sys.argv[1]
c = Client(HTTP_HOST="coop.example.org", HTTP_ACCEPT_LANGUAGE="en")  # the walk reads English pages
path = link.split("coop.example.org", 1)[1]
first = c.get(path, secure=True, follow=True)
assert b"Choose your password" in first.content, first.content[:500]
form_url = first.redirect_chain[-1][0]
done = c.post(form_url, {"new_password1": "pedal-power-2030!", "new_password2": "pedal-power-2030!"}, secure=True)
assert done.status_code == 302, (done.status_code, done.content.decode()[-3000:])
email = sys.argv[2]
login = c.post("/accounts/login/", {"username": email, "password": "pedal-power-2030!"}, secure=True)
assert login.status_code == 302, login.content[:800]
made = c.post("/governance/proposals/new/", {"title": "Our first decision", "text": "Adopt the plan.", "kind": "ordinary",
                                             "decision_tool": "proposal"}, secure=True)
assert made.status_code == 302, made.content.decode()[-2000:]
proposal = Proposal.objects.get(title="Our first decision")
voted = c.post(f"/governance/proposals/{proposal.pk}/", {"choice": "for"}, secure=True)
assert voted.status_code == 302, (voted.status_code, voted.content.decode()[-3000:])
assert Vote.objects.filter(proposal=proposal, member__email=email, choice="for").count() == 1
page = c.get(f"/governance/proposals/{proposal.pk}/", secure=True)
assert b"You have voted" in page.content
print("WALKED")
'''


def run(args, env, **kwargs):
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="runs on its own SQLite file; the PostgreSQL run covers the apps' tests")
def test_first_production_run(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COOP_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "prod-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "coop.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "DJANGO_DEFAULT_FROM_EMAIL": "secretary@coop.example.org",
        "COOP_CHECKPOINT_FILE": str(tmp_path / "anchor" / "checkpoints.jsonl"),
        "COOP_CHECKPOINT_KEY": "a-key-kept-apart-from-the-database",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    })
    deploy = run(["manage.py", "check", "--deploy"], env)
    assert deploy.returncode == 0 and "no issues" in deploy.stdout, deploy.stdout + deploy.stderr
    assert run(["manage.py", "migrate", "--noinput", "-v0"], env).returncode == 0
    assert run(["manage.py", "collectstatic", "--noinput", "-v0"], env).returncode == 0
    boot = run(["manage.py", "bootstrap_coop", "--invite"], env)
    assert boot.returncode == 0 and "invitation(s) sent" in boot.stdout, boot.stdout + boot.stderr
    mails = [path.read_text() for path in (tmp_path / "mail").iterdir()]
    assert mails, "the invitations were written by the file email backend"
    founders = json.loads((ROOT / "governance" / "coop.json").read_text())["coop"]["founders"]
    email = founders[0]["email"].strip().lower()  # the first founder: on the board, so proposals open at once
    text = next(m for m in mails if re.search(rf"^To: {re.escape(email)}$", m, re.M))
    link = re.search(r"https://coop\.example\.org/accounts/reset/\S+", text).group(0)
    walked = run(["-c", WALK, link, email], env)
    assert "WALKED" in walked.stdout, walked.stdout[-3000:] + walked.stderr[-3000:]
    assert run(["manage.py", "checkpoint_audit"], env).returncode == 0
    verified = run(["manage.py", "verify_audit"], env)
    assert verified.returncode == 0 and "Intact" in verified.stdout, verified.stdout + verified.stderr
    assert (tmp_path / "anchor" / "checkpoints.jsonl").exists()


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_connection_in_steady_use_is_not_checked_before_every_request(monkeypatch):
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from coop.core.postgresql import base as postgresql

    assert isinstance(connection, postgresql.DatabaseWrapper) and connection.health_check_enabled
    checks = []
    usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or usable())

    def request():  # as Django's request_started and request_finished signals do
        connection.close_if_unusable_or_obsolete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        connection.close_if_unusable_or_obsolete()

    request()
    first = len(checks)
    request()
    assert len(checks) == first  # it answered moments ago
    monkeypatch.setattr(postgresql, "HEALTH_CHECK_AFTER", 0.0)
    request()
    assert len(checks) == first + 1  # idle longer than that: checked first, as Django does
