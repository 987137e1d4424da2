"""The generated platform under gunicorn on loopback: proposal list, casting a vote, audit page, offer list.

Generates a project from templates/platform (copier, default answers) into a temporary folder,
installs it in a fresh venv, migrates, seeds members, 300 proposals, 5,000 audit entries and offers,
runs gunicorn (production settings with a throwaway secret, DEBUG off, 2 sync workers) on 127.0.0.1,
once on SQLite and once on PostgreSQL (a local cluster, started with pg_ctlcluster if it is down and
stopped again afterwards), and drives each endpoint for a fixed duration with a small Python load
generator (one process per keep-alive connection), next to a hello-world view served by the same
project, same settings, same middleware, in the same run.

Nothing here is added to the template: the hello-world URLconf, the bench settings module and the
seed script are files written into the GENERATED copy only.

Casting a vote is a real authenticated POST (session cookie + CSRF token) to the proposal page;
every request uses a different member/proposal pair (one member, one vote) and the script checks
afterwards that the database holds a vote for every completed request.

Usage: python bench/bench_platform.py [--duration 10] [--warmup 2] [--connections 4] [--keep] [--databases sqlite,postgresql]
Writes the "bench-platform" section of bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TEMPLATE = REPO / "templates" / "platform"
sys.path.insert(0, str(BENCH))
from _results import machine, write_section  # noqa: E402

MEMBERS = 300        # voting members, each with a session
PROPOSALS = 300      # open proposals: MEMBERS * PROPOSALS vote pairs (the list shows them 50 a page)
AUDIT_ENTRIES = 5000  # at least this many audit-trail entries before the run
OFFERS = 50          # active offers in the offer list
WORKERS = 2
CSRF = "benchCsrfSecretXXXXXXXXXXXXXXXXX"  # 32 characters, the unmasked form Django accepts
assert len(CSRF) == 32

BENCH_URLS = '''"""Bench only (written by bench/bench_platform.py): the project's URLs plus a hello-world view."""
from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("Hello, world!", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), path("", include("config.urls"))]
'''

BENCH_SETTINGS = '''"""Bench only (written by bench/bench_platform.py): production settings, plus the hello-world URL."""
from config.settings.production import *  # noqa: F401,F403

ROOT_URLCONF = "bench_urls"
'''

SEED = '''"""Bench only (written by bench/bench_platform.py): members with sessions, proposals, offers."""
import json
import sys
from datetime import timedelta
from decimal import Decimal

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from coop import profile  # noqa: E402
from coop.core import models as audit  # noqa: E402
from coop.governance import services as governance  # noqa: E402
from coop.marketplace import services as market  # noqa: E402
from coop.members.models import Member, ShareSubscription  # noqa: E402

out = sys.argv[1]
members_n, proposals_n, offers_n, audit_n = (int(x) for x in sys.argv[2:6])


# the backend a login records: the first one that can load users (as Django's test client picks it)
BACKEND = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))


def session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


with transaction.atomic():
    call_command("bootstrap_coop", verbosity=0)
    current = profile.current()
    voting_class = next(c for c in current.member_classes if c.voting)
    board = Member.objects.order_by("id").first().user
    today = timezone.localdate()
    User = get_user_model()
    members = []
    for n in range(members_n):
        user = User.objects.create_user(f"bench{n}@example.org", None)
        member = Member.objects.create(
            user=user, name=f"Bench Member {n}", email=user.email, address=f"{n} Bench Street",
            member_class=voting_class.id, admitted_on=today - timedelta(days=30),
        )
        subscription = ShareSubscription.objects.create(
            member=member, shares=voting_class.min_shares, unit_price=voting_class.share_price,
            amount=voting_class.share_price * voting_class.min_shares, subscribed_on=member.admitted_on,
            paid_on=member.admitted_on,
        )
        audit.record("shares.subscribed", None, subscription, member=member.pk)
        members.append(member)
    proposals = [
        governance.create_proposal(
            board, title=f"Bench proposal {p}", text="A proposal for the benchmark.", decision_tool="proposal",
            closes_at=timezone.now() + timedelta(days=30),
        )
        for p in range(proposals_n)
    ]
    sector = market.current_sector()

    def sample(i, f):
        """A valid value of the sector's offer field (later fields later in time: a window ends after it starts)."""
        if f.kind in ("int", "decimal"):
            return "3"
        if f.kind == "date":
            return (today + timedelta(days=2 + i)).isoformat()
        if f.kind == "datetime":
            return (timezone.now() + timedelta(days=2 + i)).isoformat()
        if f.kind == "choice" and f.choices:
            return f.choices[0][0] if isinstance(f.choices[0], (tuple, list)) else f.choices[0]
        return "Bench"

    for o in range(offers_n):
        worker = members[o % len(members)]
        market.publish(
            worker.user, title=f"Bench offer {o}", description="An offer for the benchmark. " * 5,
            price=Decimal("25.00"), details={f.name: sample(i, f) for i, f in enumerate(sector.offer_fields)},
        )
    sessions = {m.pk: session_for(m.user) for m in members}
    from coop.core.models import AuditEntry  # noqa: E402
    for n in range(max(0, audit_n - AuditEntry.objects.count())):
        audit.record("bench.filler", None, n=n)

json.dump({"reader": sessions[members[0].pk], "sessions": sessions, "proposals": [p.pk for p in proposals]}, open(out, "w"))
'''

VOTED = '''import json
import django
django.setup()
from coop.governance.models import Vote
print(json.dumps(list(Vote.objects.values_list("member_id", "proposal_id"))))
'''


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copier_cmd():
    if os.environ.get("COPIER"):
        return [os.environ["COPIER"]]
    try:
        import copier  # noqa: F401
        return [sys.executable, "-m", "copier"]
    except ImportError:
        return [shutil.which("copier") or "copier"]


def get(port, path, cookie=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


def _client(job):
    """One keep-alive connection driving requests until the deadline. Returns its counts and latencies."""
    port, path, cookie, pairs, deadline, expected = job
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, unexpected, errors, exhausted, i = [], 0, 0, 0, 0
    while time.time() < deadline:
        if pairs is not None:
            if i >= len(pairs):
                exhausted += 1
                break
            session, proposal = pairs[i]
            i += 1
            method, url, body = "POST", f"/governance/proposals/{proposal}/", "choice=for"
            headers = {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "X-CSRFToken": CSRF,
                       "Content-Type": "application/x-www-form-urlencoded"}
        else:
            method, url, body, headers = "GET", path, None, ({"Cookie": cookie} if cookie else {})
        t0 = time.perf_counter()
        try:
            conn.request(method, url, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - t0)
        if response.status != expected:
            unexpected += 1
    conn.close()
    return {"latencies": latencies, "unexpected": unexpected, "errors": errors, "exhausted": exhausted}


def drive(port, path, seconds, connections, expected, cookie=None, pairs=None):
    """`connections` processes, each with one keep-alive connection, for `seconds`."""
    deadline = time.time() + seconds
    slices = [pairs[i::connections] for i in range(connections)] if pairs is not None else [None] * connections
    started = time.perf_counter()
    with multiprocessing.Pool(connections) as pool:
        parts = pool.map(_client, [(port, path, cookie, slices[i], deadline, expected) for i in range(connections)])
    duration = time.perf_counter() - started
    latencies = sorted(x for part in parts for x in part["latencies"])
    n = len(latencies)
    return {
        "requests": n, "duration_s": duration, "rps": n / duration,
        "p50_ms": latencies[n // 2] * 1000 if n else 0.0, "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0.0,
        "unexpected": sum(p["unexpected"] for p in parts), "errors": sum(p["errors"] for p in parts),
        "exhausted": sum(p["exhausted"] for p in parts),
    }


def postgres_database():
    """A fresh database on the local PostgreSQL cluster; returns (url, cleanup)."""
    clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout.split()
    version, name, port, status = clusters[0], clusters[1], clusters[2], clusters[3]
    started = status != "online"
    if started:
        run(["pg_ctlcluster", version, name, "start"])
    db = "coopkit_bench_" + secrets.token_hex(4)
    password = secrets.token_hex(12)

    def psql(sql):
        run(["runuser", "-u", "postgres", "--", "psql", "-p", port, "-q", "-c", sql], capture_output=True)

    psql(f"CREATE ROLE {db} LOGIN PASSWORD '{password}'")
    psql(f"CREATE DATABASE {db} OWNER {db}")

    def cleanup():
        psql(f"DROP DATABASE IF EXISTS {db}")
        psql(f"DROP ROLE IF EXISTS {db}")
        if started:
            run(["pg_ctlcluster", version, name, "stop"])

    return f"postgres://{db}:{password}@127.0.0.1:{port}/{db}", cleanup


def bench_database(label, project, py, base_env, args):
    env = dict(base_env)
    cleanup = None
    if label == "postgresql":
        env["DATABASE_URL"], cleanup = postgres_database()
    else:
        env["DATABASE_URL"] = f"sqlite:///{project / ('bench-' + secrets.token_hex(3) + '.sqlite3')}"
    server = None
    try:
        manage = [str(py), "manage.py"]
        run([*manage, "migrate", "-v0"], cwd=project, env=env)
        seed_file = project / f"seed-{label}.json"
        t0 = time.perf_counter()
        run([str(py), "bench_seed.py", str(seed_file), str(MEMBERS), str(PROPOSALS), str(OFFERS), str(AUDIT_ENTRIES)],
            cwd=project, env=env)
        print(f"{label}: seeded in {time.perf_counter() - t0:.1f}s", flush=True)
        seed = json.loads(seed_file.read_text())
        reader = f"sessionid={seed['reader']}"

        port = free_port()
        server = subprocess.Popen(
            [str(project / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(WORKERS), "--log-level", "warning"],
            cwd=project, env=env, start_new_session=True,
        )
        for _ in range(100):
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("gunicorn did not start")

        # Each endpoint serves what a user would see before it is measured.
        checks = {
            "/bench/hello/": (None, "Hello, world!"),
            "/governance/": (reader, f"Bench proposal {PROPOSALS - 1}"),
            "/governance/audit/": (reader, "The chain of records is intact"),
            "/market/": (None, "Bench offer 0"),
        }
        for path, (cookie, text) in checks.items():
            status, body = get(port, path, cookie)
            assert status == 200 and text in body, (path, status, body[:300])

        def voted():
            out = subprocess.run([str(py), "bench_voted.py"], cwd=project, env=env, check=True, capture_output=True, text=True).stdout
            return {tuple(pair) for pair in json.loads(out)}

        def open_pairs():
            done = voted()
            return [(key, p) for p in seed["proposals"] for m, key in seed["sessions"].items() if (int(m), p) not in done]

        endpoints = [
            ("hello-world (plain HttpResponse)", "GET /bench/hello/", "/bench/hello/", None, 200, False),
            ("proposal list (member logged in, 300 proposals, 50 a page)", "GET /governance/", "/governance/", reader, 200, False),
            ("cast a vote (POST, a new member/proposal pair each time)", "POST /governance/proposals/<id>/", "/", None, 302, True),
            ("audit page (member, 5,000+ entries, verified incrementally)", "GET /governance/audit/", "/governance/audit/", reader, 200, False),
            ("offer list (anonymous visitor)", "GET /market/", "/market/", None, 200, False),
        ]
        results = []
        for name, shown, path, cookie, expected, voting in endpoints:
            if args.warmup:
                drive(port, path, args.warmup, args.connections, expected, cookie, open_pairs() if voting else None)
            if voting:
                pairs = open_pairs()
                before = len(voted())
            result = drive(port, path, args.duration, args.connections, expected, cookie, pairs if voting else None)
            if voting:
                recorded = len(voted()) - before
                assert recorded == result["requests"], (result, recorded)
                assert result["exhausted"] == 0, f"only {len(pairs)} member/proposal pairs: raise MEMBERS or PROPOSALS"
                result["recorded"] = recorded
            assert result["unexpected"] == 0 and result["errors"] == 0, (name, result)
            print(label, name, json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}), flush=True)
            results.append((name, shown, result))
        status, body = get(port, "/governance/audit/", reader)
        assert "The chain of records is intact" in body
        verified = subprocess.run([*manage, "verify_audit"], cwd=project, env=env, capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        entries = verified.stdout.split("Intact: ", 1)[1].split(" audit entries", 1)[0]
        return results, entries
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if cleanup is not None:
            cleanup()


def table(label, results):
    hello = results[0][2]
    rows = [
        f"| {name} | `{shown}` | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['rps'] / hello['rps']:.2f} |"
        for name, shown, r in results
    ]
    return [f"### {label}", "", "| endpoint | request | requests/s | p50 ms | p99 ms | requests/s ÷ hello-world |",
            "|---|---|---:|---:|---:|---:|", *rows, ""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of measured load per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load before each")
    parser.add_argument("--connections", type=int, default=4, help="concurrent keep-alive connections (client processes)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the generated project")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing RESULTS.md")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="coopkit-bench-platform-"))
    project = work / "project"
    try:
        print(f"generating into {project}", flush=True)
        run([*copier_cmd(), "copy", "--trust", "--defaults", "--quiet", str(TEMPLATE), str(project)])
        run([sys.executable, "-m", "venv", str(project / ".venv")])
        py = project / ".venv" / "bin" / "python"
        run([str(py), "-m", "pip", "install", "-q", "-e", f"{project}[postgres]"])
        (project / "bench_urls.py").write_text(BENCH_URLS, encoding="utf-8")
        (project / "bench_settings.py").write_text(BENCH_SETTINGS, encoding="utf-8")
        (project / "bench_seed.py").write_text(SEED, encoding="utf-8")
        (project / "bench_voted.py").write_text(VOTED, encoding="utf-8")
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings", "PYTHONPATH": str(project),
            "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(40), "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "COOP_CHECKPOINT_FILE": str(work / "checkpoints.jsonl"), "COOP_CHECKPOINT_KEY": secrets.token_hex(16),
        }
        run([str(py), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=project, env=env)
        load_before = os.getloadavg()[0]
        runs = [(label, *bench_database(label, project, py, env, args)) for label in args.databases.split(",")]
        load_after = os.getloadavg()[0]
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    body = [
        f"Machine: {machine()}; 1-minute load average {load_before:.1f} before the runs, {load_after:.1f} after "
        f"(the client, the server and anything else on the machine share the 2 cores).",
        "",
        f"The project generated from `templates/platform` with the default answers (delivery co-op), in a fresh venv; "
        f"gunicorn with {WORKERS} sync workers on 127.0.0.1, production settings (DEBUG off, throwaway secret, "
        f"no SSL redirect on loopback). Data: {MEMBERS + 3} members, {PROPOSALS} open proposals, {OFFERS} offers and "
        f"at least {AUDIT_ENTRIES} audit entries. Load: a Python client, {args.connections} processes with one keep-alive "
        f"connection each, {args.duration} s per endpoint after {args.warmup} s of warm-up, every endpoint against the "
        f"same server in the same run. The hello-world view is served by the same project (same middleware) from a "
        f"bench-only URLconf.",
        "",
    ]
    for label, results, entries in runs:
        body += table({"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(label, label), results)
        votes = results[2][2]
        body += [f"Votes: every request a real authenticated POST (session + CSRF) by a different member/proposal pair; "
                 f"{votes['requests']} completed, {votes['recorded']} new votes in the database. No errors or unexpected "
                 f"statuses. `verify_audit` afterwards: intact, {entries} audit entries.", ""]
    body.append("Rerun: `python bench/bench_platform.py` (needs copier; PostgreSQL via pg_ctlcluster, as root).")
    text = "\n".join(body)
    if args.no_write:
        print(text)
    else:
        write_section("bench-platform", "Platform under gunicorn", text)
        print(text)


if __name__ == "__main__":
    main()
