"""Time `coopkit new` stage by stage, with peak memory, and write the figures to bench/RESULTS.md.

    python bench/bench_new.py [--runs 3]

Stages: interview and validation, each legal document (Markdown → HTML → PDF), the handbook, the
platform (copier + git), the manifest. Each run is in a fresh process so caches do not flatter it;
peak memory is the process's maximum resident set size.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

ONE_RUN = r"""
import json, resource, sys, time
from pathlib import Path
from coopkit import api
timings = api.Timings()
start = time.perf_counter()
with timings.stage("interview and validation"):
    profile = api.build_profile(answers_file=sys.argv[1])
api.new(profile, Path(sys.argv[2]), timings=timings)
timings["total"] = time.perf_counter() - start
print(json.dumps({"timings": timings, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PROFILES = {
    "gb society, multi-stakeholder, English (examples/pedal-power.yml)": ROOT / "examples" / "pedal-power.yml",
    "br cooperativa de trabalho, Portuguese + English translation (examples/rio-entregas.yml)":
        ROOT / "examples" / "rio-entregas.yml",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from _results import machine, write_section

    rows = []
    for label, profile in PROFILES.items():
        runs = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                done = subprocess.run([sys.executable, "-c", ONE_RUN, str(profile), str(Path(tmp) / "coop")],
                                      capture_output=True, text=True, check=True)
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        stages = runs[0]["timings"].keys()
        table = ["| stage | median s | min s |", "|---|---:|---:|"]
        for stage in stages:
            values = [r["timings"][stage] for r in runs]
            table.append(f"| {stage} | {statistics.median(values):.3f} | {min(values):.3f} |")
        peak = max(r["peak_mib"] for r in runs)
        rows.append(f"### {label}\n\n{args.runs} runs, each in a fresh process. Peak memory (max RSS): "
                    f"{peak:.0f} MiB.\n\n" + "\n".join(table))
        print(rows[-1])
    write_section("bench-new", "coopkit new, stage by stage", f"Machine: {machine()}.\n\n" + "\n\n".join(rows))


if __name__ == "__main__":
    main()
