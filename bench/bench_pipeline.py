"""The three goals of issue #10, measured in one run on this machine, into bench/RESULTS.md.

    python bench/bench_pipeline.py [--cohort 20] [--runs 3]

1. `coopkit new` on examples/pedal-power.yml, wall time, against WeasyPrint alone rendering the same
   handbook HTML (a fresh process that imports WeasyPrint and writes that PDF, as `weasyprint
   handbook.html handbook.pdf` would, with coopkit's bundled fonts). Goal: ≤ 1.3×.
2. `coopkit render` with nothing changed, wall time of the whole command. Goal: ≤ 0.3 s.
3. `coopkit cohort` of N co-ops against N `coopkit new` one after another. Goal: ≥ 1.8× faster.
   Beside the wall times, the CPU seconds each side used (its processes' user + system time): a cohort
   on C cores cannot take less than its CPU seconds ÷ C, which bounds the speed-up any scheduling of
   the same work could reach. Then (unless --no-one-core) the same N `coopkit new --workers 1` one after
   another: each co-op on one core, as `new` was before its PDFs rendered in a pool; against it the
   cohort shows what spreading co-ops over the cores gains when `new` does not already use them.

Every figure is the wall time of a real command in a fresh process (`python -m coopkit.cli`), the
median of --runs runs where it is cheap enough (1 and 3 ... the cohort once). The machine's other
load shows in the figures: the script prints the load average beside them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pedal-power.yml"
sys.path.insert(0, str(Path(__file__).parent))

WEASYPRINT_ALONE = r"""
import sys, time
start = time.perf_counter()
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
fonts = FontConfiguration()
css = [CSS(filename=sys.argv[3], font_config=fonts)]
HTML(filename=sys.argv[1], base_url=sys.argv[4] + "/").write_pdf(sys.argv[2], stylesheets=css, font_config=fonts,
                                                              pdf_tags=True, pdf_variant="pdf/ua-1")
print(time.perf_counter() - start)
"""

HANDBOOK_HTML = r"""
import sys
from pathlib import Path
from coopkit import api
from coopkit.run import Run
from coopkit.steps import plan_documents
from coopkit.handbook import handbook_html, handbook_language
run = Run.create(api.load_profile(sys.argv[1]))
html = handbook_html(run.profile, run.catalog, dict(run.context), documents=plan_documents(run), overlays=[],
                     language=handbook_language(run.profile, run.catalog))
Path(sys.argv[2]).write_text(html, encoding="utf-8")
print(run.catalog.handbook)
"""


def coopkit(*args: str, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "coopkit.cli", *args], capture_output=True, text=True, cwd=cwd)
    seconds = time.perf_counter() - start
    if done.returncode not in (0,):
        raise SystemExit(f"coopkit {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def bench_new(tmp: Path, runs: int) -> tuple[list[float], list[float]]:
    news, alone = [], []
    for i in range(runs):
        news.append(coopkit("new", "--answers", str(EXAMPLE), str(tmp / f"new-{i}")))
        html = tmp / f"handbook-{i}.html"
        handbook = subprocess.run([sys.executable, "-c", HANDBOOK_HTML, str(EXAMPLE), str(html)],
                                  capture_output=True, text=True, check=True).stdout.strip()
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", WEASYPRINT_ALONE, str(html), str(tmp / f"alone-{i}.pdf"),
                        str(Path(handbook) / "fonts" / "fonts.css"), handbook], check=True, capture_output=True)
        alone.append(time.perf_counter() - start)
    return news, alone


def bench_noop(dest: Path, runs: int) -> list[float]:
    coopkit("render", str(dest))  # settle: the first render after `new` finds nothing to do, or catches up
    return [coopkit("render", str(dest)) for _ in range(runs)]


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process so far, their own children included
    (a `coopkit new` waits for its PDF workers and git, so their time is in it)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_cohort(tmp: Path, count: int) -> tuple[float, float, float, float]:
    """Wall time and CPU seconds of N `coopkit new` one after another, then of `coopkit cohort` of the same N."""
    profiles = tmp / "profiles"
    profiles.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    for i in range(count):
        (profiles / f"coop-{i:02}.yml").write_text(text.replace("name: Pedal Power Couriers",
                                                                f"name: Pedal Power Couriers {i + 1}"), encoding="utf-8")
    start, cpu = time.perf_counter(), children_cpu()
    for path in sorted(profiles.iterdir()):
        coopkit("new", "--answers", str(path), str(tmp / "sequential" / path.stem))
    sequential, sequential_cpu = time.perf_counter() - start, children_cpu() - cpu
    (tmp / "cohort.yml").write_text("name: Benchmark cohort\nprofiles: profiles\noutput: cohort\n", encoding="utf-8")
    start, cpu = time.perf_counter(), children_cpu()
    coopkit("cohort", str(tmp / "cohort.yml"))
    return sequential, time.perf_counter() - start, sequential_cpu, children_cpu() - cpu


def bench_one_core(tmp: Path) -> tuple[float, float]:
    """Wall time and CPU seconds of the same N `coopkit new --workers 1`, one after another."""
    (tmp / "one-core").mkdir()
    start, cpu = time.perf_counter(), children_cpu()
    for path in sorted((tmp / "profiles").iterdir()):
        coopkit("new", "--workers", "1", "--answers", str(path), str(tmp / "one-core" / path.stem))
    return time.perf_counter() - start, children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cohort", type=int, default=20, help="co-ops in the cohort benchmark (0: skip it)")
    parser.add_argument("--no-one-core", action="store_true", help="skip the N `new --workers 1` runs")
    args = parser.parse_args()
    from _results import machine, write_section

    tmp_dir = Path(tempfile.mkdtemp(prefix="coopkit-bench-"))
    # coopkit's cache folder (platform template repository, compiled templates) starts empty: the first `new`
    # fills it, as a founder's first run does; every later command finds it, as a founder's next runs do
    os.environ["COOPKIT_CACHE"] = str(tmp_dir / "cache")
    (tmp_dir / "sequential").mkdir()
    load_before = os.getloadavg()
    news, alone = bench_new(tmp_dir, args.runs)
    noop = bench_noop(tmp_dir / "new-0", max(5, args.runs))
    cohort = bench_cohort(tmp_dir, args.cohort) if args.cohort else None
    one_core = bench_one_core(tmp_dir) if args.cohort and not args.no_one_core else None
    load_after = os.getloadavg()

    new_s, alone_s, noop_s = statistics.median(news), statistics.median(alone), statistics.median(noop)
    rows = [
        "| measure | figure | goal | met |", "|---|---:|---:|:---:|",
        f"| `coopkit new` (median of {args.runs}) | {new_s:.2f} s | | |",
        f"| WeasyPrint alone, same handbook HTML (median of {args.runs}) | {alone_s:.2f} s | | |",
        f"| ratio new / WeasyPrint alone | {new_s / alone_s:.2f}× | ≤ 1.3× | {'yes' if new_s / alone_s <= 1.3 else 'NO'} |",
        f"| `coopkit render`, nothing changed (median of {len(noop)}; min {min(noop):.3f} s) | {noop_s:.3f} s | ≤ 0.3 s | "
        f"{'yes' if noop_s <= 0.3 else 'NO'} |",
    ]
    if cohort:
        sequential, parallel, sequential_cpu, parallel_cpu = cohort
        cores = os.cpu_count() or 1
        rows += [
            f"| {args.cohort} × `coopkit new`, one after another | {sequential:.1f} s | | |",
            f"| `coopkit cohort` of the same {args.cohort} | {parallel:.1f} s | | |",
            f"| speed-up | {sequential / parallel:.2f}× | ≥ 1.8× | {'yes' if sequential / parallel >= 1.8 else 'NO'} |",
            f"| CPU seconds: one after another / cohort | {sequential_cpu:.0f} s / {parallel_cpu:.0f} s | | |",
            f"| cores kept busy: one after another / cohort | {sequential_cpu / sequential:.2f} / "
            f"{parallel_cpu / parallel:.2f} of {cores} | | |",
            f"| ceiling of the speed-up with the cohort's CPU seconds on {cores} cores "
            f"(one after another ÷ (cohort CPU ÷ {cores})) | {sequential / (parallel_cpu / cores):.2f}× | | |",
        ]
        if one_core:
            serial, serial_cpu = one_core
            rows += [
                f"| {args.cohort} × `coopkit new --workers 1` (each co-op on one core), one after another | "
                f"{serial:.1f} s ({serial_cpu:.0f} CPU-s) | | |",
                f"| cohort against those | {serial / parallel:.2f}× | | |",
            ]
    body = (f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; load average "
            f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (other work on the machine slows every figure).\n\n"
            + "\n".join(rows) + "\n\nEach figure is a real command in a fresh process (`python -m coopkit.cli ...`); "
            "`new` includes the platform (copier and git). coopkit's cache folder starts empty for the benchmark: the "
            "first `new` (first raw figure) compiles the templates and makes the platform template's repository; "
            "the other commands find them. Raw runs: new " + ", ".join(f"{x:.2f}" for x in news)
            + "; WeasyPrint alone " + ", ".join(f"{x:.2f}" for x in alone) + "; render " + ", ".join(f"{x:.3f}" for x in noop)
            + ".")
    print(body)
    write_section("bench-pipeline", "Issue #10: new against WeasyPrint alone, no-op render, cohort", body)


if __name__ == "__main__":
    main()
