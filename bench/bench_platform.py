"""The generated platform under gunicorn on loopback: proposal list, casting a vote, offer list.

Generates a project from templates/platform (copier, default answers) into a temporary folder,
installs it in a fresh venv, migrates, seeds members/proposals/offers, runs gunicorn (production
settings with a throwaway secret, DEBUG off, SQLite, 2 sync workers) on 127.0.0.1 and drives each
endpoint with wrk (https://github.com/wg/wrk; `apt-get install wrk`) for a fixed duration, next to a
hello-world view served by the same project, same settings, same middleware, in the same run.

Nothing here is added to the template: the hello-world URLconf, the bench settings module and the
seed script are files written into the GENERATED copy only.

Casting a vote is a real authenticated POST (session cookie + CSRF token) to the proposal page;
every request uses a different member/proposal pair (one member, one vote) and the script checks
afterwards that the database holds a vote for every completed request.

Usage: python bench/bench_platform.py [--duration 10] [--warmup 2] [--connections 4] [--keep]
Writes the "bench-platform" section of bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
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
PROPOSALS = 40       # open proposals: MEMBERS * PROPOSALS vote pairs, and the proposal list's length
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

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from coop import profile  # noqa: E402
from coop.governance import services as governance  # noqa: E402
from coop.marketplace import services as market  # noqa: E402
from coop.members.models import Member, ShareSubscription  # noqa: E402

out = sys.argv[1]
members_n, proposals_n, offers_n = (int(x) for x in sys.argv[2:5])


def session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
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
        user = User(username=f"bench{n}", email=f"bench{n}@example.org")
        user.set_unusable_password()
        user.save()
        member = Member.objects.create(
            user=user, name=f"Bench Member {n}", email=user.email, address=f"{n} Bench Street",
            member_class=voting_class.id, admitted_on=today - timedelta(days=30),
        )
        ShareSubscription.objects.create(
            member=member, shares=voting_class.min_shares, unit_price=voting_class.share_price,
            amount=voting_class.share_price * voting_class.min_shares, subscribed_on=member.admitted_on,
            paid_on=member.admitted_on,
        )
        members.append(member)
    proposals = [
        governance.create_proposal(
            board, title=f"Bench proposal {p}", text="A proposal for the benchmark.",
            closes_at=timezone.now() + timedelta(days=30),
        )
        for p in range(proposals_n)
    ]
    sector = market.current_sector()
    for o in range(offers_n):
        worker = members[o % len(members)]
        market.publish(
            worker.user, title=f"Bench offer {o}", description="An offer for the benchmark. " * 5,
            price=Decimal("25.00"), details={f.name: "3" if f.kind in ("int", "decimal") else "Bench" for f in sector.offer_fields},
        )
    sessions = {m.pk: session_for(m.user) for m in members}

json.dump({"reader": sessions[members[0].pk], "sessions": sessions, "proposals": [p.pk for p in proposals]}, open(out, "w"))
'''

VOTED = '''import json
import django
django.setup()
from coop.governance.models import Vote
print(json.dumps(list(Vote.objects.values_list("member_id", "proposal_id"))))
'''

# wrk script. GET endpoints: a fixed Cookie header from the command line. Votes: each thread takes
# its own slice of the member/proposal pairs file (line i goes to thread i % threads).
LUA = r'''
local threads = {}
local counter = 0
local nthreads = tonumber(os.getenv("BENCH_THREADS"))

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local pairs_list = {}
local next_pair = 1
expected = 200
unexpected = 0
exhausted = 0

function init(args)
  expected = tonumber(args[1])
  local pairs_file = args[2]
  if pairs_file then
    local i = 0
    for line in io.lines(pairs_file) do
      if i % nthreads == id then table.insert(pairs_list, line) end
      i = i + 1
    end
  end
end

function request()
  if #pairs_list == 0 then return wrk.request() end
  local line = pairs_list[next_pair]
  if line == nil then
    exhausted = exhausted + 1
    line = pairs_list[#pairs_list]
  end
  next_pair = next_pair + 1
  local session, proposal = line:match("(%S+) (%S+)")
  return wrk.format("POST", "/governance/proposals/" .. proposal .. "/", {
    ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. os.getenv("BENCH_CSRF"),
    ["X-CSRFToken"] = os.getenv("BENCH_CSRF"),
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "choice=for")
end

function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad, dry = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    dry = dry + thread:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "mean_us": %f, ' ..
    '"max_us": %d, "unexpected": %d, "exhausted": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    latency.max, bad, dry, e.connect + e.read + e.write + e.status + e.timeout))
end
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
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


def wrk(port, path, seconds, connections, threads, lua, env, expected, cookie=None, pairs=None):
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", str(lua)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd += [f"http://127.0.0.1:{port}{path}", "--", str(expected)]
    if pairs:
        cmd.append(str(pairs))
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**env, "BENCH_THREADS": str(threads)}).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCHJSON "))
    return json.loads(line[len("BENCHJSON "):])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of measured load per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load before each")
    parser.add_argument("--connections", type=int, default=4, help="concurrent keep-alive connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--keep", action="store_true", help="keep the generated project")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing RESULTS.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed (apt-get install wrk)")

    work = Path(tempfile.mkdtemp(prefix="coopkit-bench-platform-"))
    project = work / "project"
    server = None
    try:
        print(f"generating into {project}", flush=True)
        run([*copier_cmd(), "copy", "--trust", "--defaults", "--quiet", str(TEMPLATE), str(project)])
        run([sys.executable, "-m", "venv", str(project / ".venv")])
        py = project / ".venv" / "bin" / "python"
        run([str(py), "-m", "pip", "install", "-q", "-e", str(project)])
        (project / "bench_urls.py").write_text(BENCH_URLS, encoding="utf-8")
        (project / "bench_settings.py").write_text(BENCH_SETTINGS, encoding="utf-8")
        (project / "bench_seed.py").write_text(SEED, encoding="utf-8")
        (project / "bench_voted.py").write_text(VOTED, encoding="utf-8")
        lua = work / "bench.lua"
        lua.write_text(LUA, encoding="utf-8")
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings", "PYTHONPATH": str(project),
            "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(40), "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false", "BENCH_CSRF": CSRF,
        }
        manage = [str(py), "manage.py"]
        run([*manage, "migrate", "-v0"], cwd=project, env=env)
        run([*manage, "collectstatic", "--noinput", "-v0"], cwd=project, env=env)
        seed_file = work / "seed.json"
        t0 = time.perf_counter()
        run([str(py), "bench_seed.py", str(seed_file), str(MEMBERS), str(PROPOSALS), str(OFFERS)], cwd=project, env=env)
        print(f"seeded in {time.perf_counter() - t0:.1f}s", flush=True)
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
            "/governance/": (reader, "Bench proposal 0"),
            "/market/": (None, "Bench offer 0"),
        }
        for path, (cookie, text) in checks.items():
            status, body = get(port, path, cookie)
            assert status == 200 and text in body, (path, status, body[:300])

        def voted():
            out = subprocess.run([str(py), "bench_voted.py"], cwd=project, env=env, check=True, capture_output=True, text=True).stdout
            return {tuple(pair) for pair in json.loads(out)}

        def pairs_file():
            """The member/proposal pairs nobody has voted on yet, one `session proposal` a line."""
            done = voted()
            pairs = [(key, p) for p in seed["proposals"] for m, key in seed["sessions"].items() if (int(m), p) not in done]
            path = work / "pairs.txt"
            path.write_text("".join(f"{s} {p}\n" for s, p in pairs), encoding="utf-8")
            return path, len(pairs)

        endpoints = [
            ("hello-world (plain HttpResponse)", "GET /bench/hello/", "/bench/hello/", None, 200, False),
            ("proposal list (member logged in)", "GET /governance/", "/governance/", reader, 200, False),
            ("cast a vote (POST, a new member/proposal pair each time)", "POST /governance/proposals/<id>/", "/", None, 302, True),
            ("offer list (anonymous visitor)", "GET /market/", "/market/", None, 200, False),
        ]
        # The vote once more over a single connection: writes never wait for each other's SQLite lock.
        endpoints.append(("cast a vote, 1 connection (no concurrent writers)", endpoints[2][1], "/", None, 302, True, 1))
        results = []
        load_before = os.getloadavg()[0]
        for label, shown, path, cookie, expected, voting, *single in endpoints:
            connections, threads = (1, 1) if single else (args.connections, args.threads)
            common = dict(connections=connections, threads=threads, lua=lua, env=env, expected=expected, cookie=cookie)
            if args.warmup:
                wrk(port, path, args.warmup, pairs=pairs_file()[0] if voting else None, **common)
            if voting:
                pairs, available = pairs_file()
                before = len(voted())
            result = wrk(port, path, args.duration, pairs=pairs if voting else None, **common)
            if voting:
                time.sleep(0.5)
                recorded = len(voted()) - before
                # wrk stops with up to one request per connection in flight: the server may finish those.
                assert result["requests"] <= recorded <= result["requests"] + connections, (result, recorded)
                assert result["exhausted"] == 0, f"only {available} member/proposal pairs: raise MEMBERS or PROPOSALS"
                result["recorded"] = recorded
            assert result["unexpected"] == 0 and result["errors"] == 0, (label, result)
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            print(label, json.dumps(result), flush=True)
            results.append((label, shown, result))
        load_after = os.getloadavg()[0]
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    hello = results[0][2]
    rows = [
        f"| {label} | `{shown}` | {r['rps']:.0f} | {r['p50_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} "
        f"| {r['rps'] / hello['rps']:.2f} |"
        for label, shown, r in results
    ]
    votes = results[2][2]
    body = "\n".join([
        f"Machine: {machine()}; 1-minute load average {load_before:.1f} before the runs, {load_after:.1f} after "
        f"(the client, the server and anything else on the machine share the cores).",
        "",
        f"The project generated from `templates/platform` with the default answers (delivery co-op), in a fresh venv; "
        f"gunicorn with {WORKERS} sync workers on 127.0.0.1, production settings (DEBUG off, throwaway secret, "
        f"no SSL redirect on loopback), SQLite. Data: {MEMBERS + 3} members, {PROPOSALS} open proposals (all on the list), "
        f"{OFFERS} offers. Load: wrk, {args.threads} threads, {args.connections} connections, "
        f"{args.duration} s per endpoint after {args.warmup} s of warm-up, all endpoints in one run against the same server. "
        f"The hello-world view is served by the same project (same middleware) from a bench-only URLconf.",
        "",
        "| endpoint | request | requests/s | p50 ms | p99 ms | requests/s ÷ hello-world |",
        "|---|---|---:|---:|---:|---:|",
        *rows,
        "",
        f"Votes: every request a real authenticated POST (session + CSRF) by a different member/proposal pair; "
        f"{votes['requests']} completed, {votes['recorded']} votes in the database afterwards (one per completed "
        f"request, plus any still in flight when wrk stopped). No errors or unexpected statuses on any endpoint.",
        "",
        "The vote's long tail under concurrency is the wait for SQLite's write lock: IMMEDIATE transactions serialise "
        "the two workers' writes (the vote and its audit-trail entry) and SQLite's busy handler retries with growing "
        "sleeps; over a single connection the same POST has no such tail. PostgreSQL (`DATABASE_URL`) was not measured.",
        "",
        "Rerun: `python bench/bench_platform.py` (needs wrk and copier).",
    ])
    if args.no_write:
        print(body)
    else:
        write_section("bench-platform", "Platform under gunicorn", body)
        print(body)


if __name__ == "__main__":
    main()
