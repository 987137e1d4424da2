"""Handbook rendering: pages, seconds and peak memory for a few profiles, in every language.

Run from the repository root:  PYTHONPATH=generator python bench/bench_handbook.py [--all]
`--all` renders every jurisdiction of the catalog in each of the three languages (the 25-page
floor is checked for each). The figures replace the "Handbook" section of bench/RESULTS.md and
leave every other section as it is.
"""
from __future__ import annotations

import argparse
import platform
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "generator"))

from pypdf import PdfReader  # noqa: E402

from coopkit import profile as P  # noqa: E402
from coopkit.catalog import Catalog  # noqa: E402
from coopkit.context import template_context  # noqa: E402
from coopkit.handbook import LANGUAGES, handbook_language, render_handbook  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Handbook"
BEGIN, END = "<!-- bench-handbook -->", "<!-- /bench-handbook -->"
# this script's section only: between its markers (or, written before the markers, from its heading
# to the next section or marker); the other scripts' sections are never touched
SECTION = re.compile(rf"{re.escape(BEGIN)}.*?{re.escape(END)}|^{re.escape(HEADING)}\n.*?(?=^## |^<!-- |\Z)", re.S | re.M)
MIN_PAGES = 25


def profile_for(catalog: Catalog, jid: str, founders: int = 0):
    form = catalog.jurisdiction(jid).forms[0]
    minimum = int(max([c.min for c in form.checks if c.field == "founders_count" and c.min] or [3]))
    answers = {"name": "Bench Platform", "sector": "delivery", "jurisdiction": jid, "region": "Testville",
               "coop_type": form.coop_types[0], "registered_office": "1 High Street", "document_date": "2026-11-27",
               "founders": [{"name": f"Founder {i}", "email": f"f{i}@example.org"}
                            for i in range(1, max(minimum, founders) + 1)]}
    return P.validate(P.resolve(answers, catalog), catalog)


def measure(label: str, profile, catalog: Catalog, language: str, *, memory: bool = True) -> dict:
    """Time one render untraced; then, if asked, render again under tracemalloc for the peak
    (tracing slows rendering three- to four-fold, so it never touches the timing)."""
    context = template_context(profile, catalog)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        _, pdf = render_handbook(profile, catalog, context, Path(out), documents=[], language=language)
        seconds = time.perf_counter() - start
        pages = len(PdfReader(str(pdf)).pages)
        size = pdf.stat().st_size
        peak = None
        if memory:
            tracemalloc.start()
            render_handbook(profile, catalog, context, Path(out), documents=[], language=language)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    return {"label": label, "language": language, "pages": pages, "seconds": seconds, "peak_mib": peak,
            "kib": size / 1024}


def cases(catalog: Catalog, everything: bool):
    if everything:
        for jid in catalog.jurisdiction_ids:
            for language in LANGUAGES:
                yield f"{jid}, minimum founders", lambda jid=jid: profile_for(catalog, jid), language
        return
    example = ROOT / "examples" / "pedal-power.yml"
    yield "examples/pedal-power.yml (gb)", lambda: P.validate(P.resolve(P.load_answers(example), catalog), catalog), "en"
    for language in LANGUAGES:
        yield "gb, 40 founders", lambda: profile_for(catalog, "gb", 40), language
    for jid in [j for j in ("br", "es", "de") if j in catalog.jurisdiction_ids]:
        yield f"{jid}, minimum founders", lambda jid=jid: profile_for(catalog, jid), None


SUBSECTIONS = {False: "### Sample profiles (memory traced)", True: "### Every jurisdiction × language (`--all`)"}


def write_results(rows: list[dict], note: str, everything: bool) -> None:
    """Replace this mode's subsection of the Handbook section; keep the other mode's and every
    other section of RESULTS.md as they are."""
    table = ["| Profile | Language | Pages | Seconds | Peak Python memory (MiB) | PDF size (KiB) |",
             "|---|---|---|---|---|---|"]
    table += [f"| {r['label']} | {r['language']} | {r['pages']} | {r['seconds']:.2f} | "
              f"{'—' if r['peak_mib'] is None else format(r['peak_mib'], '.1f')} | {r['kib']:.0f} |" for r in rows]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mine = "\n".join([SUBSECTIONS[everything], "", f"{note} Peak RSS of the run: {rss:.0f} MiB.", "", *table])
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    found = SECTION.search(text)
    kept = ""
    if found:
        other = SUBSECTIONS[not everything]
        if other in found[0]:
            kept = other + found[0].split(other, 1)[1].split("\n### ", 1)[0].split(END, 1)[0].rstrip()
    parts = [mine, kept] if not everything else [kept, mine]
    section = "\n".join([
        BEGIN, HEADING, "",
        "`PYTHONPATH=generator python bench/bench_handbook.py [--all]`: one `render_handbook` call per row "
        "(HTML + PDF, fonts subset and embedded, tagged PDF/UA), timed untraced with `perf_counter`; peak "
        "Python memory from `tracemalloc` in a second, traced render (WeasyPrint's C libraries are not "
        f"traced). Every PDF must reach {MIN_PAGES} pages.", "",
        "\n\n".join(p for p in parts if p), END,
    ])
    if found:  # a section written before the markers ends with the blank line before the next one
        text = SECTION.sub(lambda _: section + ("" if found[0].startswith(BEGIN) else "\n\n"), text, count=1)
    else:
        text = text.rstrip() + "\n\n" + section
    RESULTS.write_text(text.rstrip() + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every jurisdiction × every language")
    args = parser.parse_args()
    catalog = Catalog()
    rows, short = [], []
    for label, make, language in cases(catalog, args.all):
        try:
            profile = make()
        except Exception as exc:  # a jurisdiction still being written: report it, measure the rest
            print(f"skip {label}: {exc}", file=sys.stderr)
            continue
        row = measure(label, profile, catalog, handbook_language(profile, catalog, language), memory=not args.all)
        rows.append(row)
        print(f"{row['label']:<34} {row['language']:<6} {row['pages']:>3} pages {row['seconds']:6.2f} s "
              f"{'' if row['peak_mib'] is None else format(row['peak_mib'], '.1f') + ' MiB'}", flush=True)
        if row["pages"] < MIN_PAGES:
            short.append(row)
    note = f"Python {platform.python_version()} on {platform.machine()}, {time.strftime('%Y-%m-%d')}."
    write_results(rows, note, args.all)
    for row in short:
        print(f"FAIL {row['label']} ({row['language']}): {row['pages']} pages, fewer than {MIN_PAGES}", file=sys.stderr)
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
