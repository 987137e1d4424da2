"""How many questions the terminal interview asks, and how long the law's check of one answer takes.

The founders of a 3-founder gb worker co-op (delivery) answer the real interview (the same
`Interview` as `coopkit new`, on its piped path): they type the answers that have no default and
press Enter on the rest. Counted: every prompt before the review. Run: `.venv/bin/python bench/bench_interview.py`.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _results import machine, write_section

from coopkit.catalog import Catalog
from coopkit.interview import Interview

CASES = [  # (title, typed answers by words in the prompt, founders)
    ("gb worker co-op (registered society), 3 founders", "gb", "delivery", 3),
    ("gb company limited by guarantee, 3 founders", "gb:2", "delivery", 3),
    ("br cooperativa de trabalho, 7 founders", "br", "delivery", 7),
    ("us-tx cooperative association, 3 founders", "us-tx", "ride-hailing", 3),
]


def run(jurisdiction: str, sector: str, founders: int) -> dict:
    jurisdiction, _, form = jurisdiction.partition(":")
    typed = {"Under whose law": jurisdiction, "Which legal form": form, "name, without": "Bench Co",
             "What does the platform do": sector, "Registered office": "1 High Street, Leeds LS1 1AA",
             "Registered agent": "Dee Jones", "How many founding members": str(founders)}
    prompts: list[str] = []
    answers: list[str] = []
    seconds: list[float] = []
    last = [time.perf_counter()]

    def prompt(text: str) -> str:
        seconds.append(time.perf_counter() - last[0])  # the check of the previous answer, and the next prompt
        prompts.append(text)
        answer = next((v for k, v in typed.items() if k in text and v), "")
        if "full name" in text:
            answer = f"Founder {len(prompts)}"
        if "postal address" in text and jurisdiction.startswith("us-"):  # the Texas filing lists them
            answer = "1 Elm Street, Austin TX 78701"
        answers.append(answer)
        last[0] = time.perf_counter()
        return answer

    interview = Interview(Catalog(), interactive=True, use_defaults=False, prompt=prompt, echo=lambda _: None, tty=False)
    interview.run({})
    questions = [p for p in prompts if not p.startswith("Type the number")]
    typed_count = sum(1 for p, a in zip(prompts, answers, strict=False) if a and not p.startswith("Type the number"))
    return {"questions": len(questions), "typed": typed_count, "enter": len(questions) - typed_count,
            "check_ms": statistics.median(seconds[1:]) * 1000}


def main() -> None:
    rows = []
    for title, jurisdiction, sector, founders in CASES:
        result = run(jurisdiction, sector, founders)
        rows.append(f"| {title} | {result['questions']} | {result['typed']} | {result['enter']} | {result['check_ms']:.0f} |")
        print(title, result)
    body = (f"Machine: {machine()}.\n\nEvery prompt of `coopkit new` before the review; the founders type what has "
            "no default (or what the law refuses as the default, such as a registered office) and press Enter on "
            "the rest. Check: median time from an answer to the next prompt (the law's checks included).\n\n"
            "| co-op | questions | typed | Enter | check ms |\n|---|---:|---:|---:|---:|\n" + "\n".join(rows))
    write_section("bench-interview", "The interview: questions asked", body)


if __name__ == "__main__":
    main()
