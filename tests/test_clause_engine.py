"""The clause engine on small documents built inline: conditions, numbering, references, terms."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, founders
from coopkit import legal
from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.errors import DataError


def build_file_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


@pytest.fixture()
def tiny(tmp_path):
    """A copy of the real data with a tiny document added to gb."""
    root = tmp_path / "data"
    for part in ("templates", "handbook"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("platform", "*.ttf"))
    shutil.copytree(ROOT / "legal" / "clauses", root / "legal" / "clauses")
    shutil.copytree(ROOT / "legal" / "jurisdictions" / "gb", root / "legal" / "jurisdictions" / "gb")
    build_file_tree(root / "legal" / "jurisdictions" / "gb", {
        "documents/tiny.yml": """
            id: tiny
            kind: agreement
            title: {en: "Tiny document of {{ full_name }}"}
            filename: tiny
            articles:
              - title: {en: First}
                clauses: [t-always, t-only-consent, t-refers]
              - title: {en: Empty when majority}
                clauses: [t-only-consent-2]
              - title: {en: Last}
                clauses: [t-target, definitions]
        """,
        "clauses/en/t-always.md": """
            ---
            id: t-always
            title: Always
            note: always here
            ---
            The {{ term('board') }} exists. Name: {{ coop.name }}.
        """,
        "clauses/en/t-only-consent.md": """
            ---
            id: t-only-consent
            title: Consent only
            when: "coop.governance.decision_method == 'consent'"
            note: conditional
            ---
            Consent applies.
        """,
        "clauses/en/t-only-consent-2.md": """
            ---
            id: t-only-consent-2
            title: Consent only again
            when: "coop.governance.decision_method == 'consent'"
            note: conditional
            ---
            More consent.
        """,
        "clauses/en/t-refers.md": """
            ---
            id: t-refers
            title: Refers
            note: cross-reference
            ---
            See {{ ref('t-target') }}.
        """,
        "clauses/en/t-target.md": """
            ---
            id: t-target
            title: Target
            note: the target
            ---
            Target text for {{ term('member', true) }}.
        """,
    })
    return Catalog(root)


def render(catalog, method, build="review", name="Tiny Co"):
    answers = {"name": name, "sector": "delivery", "jurisdiction": "gb", "founders": founders(3),
               "registered_office": "1 High Street, Leeds LS1 1AA", "governance": {"decision_method": method}}
    profile = P.validate(P.resolve(answers, catalog), catalog)
    jurisdiction = catalog.jurisdiction("gb")
    form = jurisdiction.form(None)
    spec = legal.document_spec(catalog, jurisdiction, "tiny")
    return legal.build_document(catalog, jurisdiction, form, spec, template_context(profile, catalog),
                                language="en", build=build)


def test_numbers_are_computed_after_conditions_and_references_follow(tiny):
    with_consent = render(tiny, "consent")
    numbers = {c.clause.id: c.number for c in with_consent.clauses}
    assert numbers == {"t-always": "1.1", "t-only-consent": "1.2", "t-refers": "1.3",
                       "t-only-consent-2": "2.1", "t-target": "3.1", "definitions": "3.2"}
    assert "See [3.1](#t-target)." in with_consent.markdown

    majority = render(tiny, "majority")
    numbers = {c.clause.id: c.number for c in majority.clauses}
    assert numbers == {"t-always": "1.1", "t-refers": "1.2", "t-target": "2.1", "definitions": "2.2"}
    assert "See [2.1](#t-target)." in majority.markdown  # the empty article disappeared, numbers closed up
    assert "Empty when majority" not in majority.markdown


def test_definitions_list_exactly_the_terms_used(tiny):
    doc = render(tiny, "majority")
    definitions = doc.markdown.split("Definitions")[1]
    assert "**Board** means" in definitions and "**Member** means" in definitions
    assert "**Secretary**" not in definitions and "**Surplus**" not in definitions


def test_review_build_has_notes_and_final_build_has_none(tiny):
    assert '!!! note "Why this clause"' in render(tiny, "majority", "review").markdown
    assert "!!! note" not in render(tiny, "majority", "final").markdown


def test_user_strings_are_data_not_template_code(tiny):
    doc = render(tiny, "majority", name="{{ 7*7 }} <script>alert(1)</script> *bold*")
    assert r"\{\{ 7\*7 \}\}" not in doc.markdown  # braces are not Markdown-special
    assert "{{ 7\\*7 }} &lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\*" in doc.markdown
    assert "49" not in doc.markdown


def test_a_reference_to_a_dropped_clause_is_a_data_error(tiny):
    with pytest.raises(DataError, match="t-target"):
        jurisdiction = tiny.jurisdiction("gb")
        profile = P.validate(P.resolve({"name": "N", "sector": "delivery", "jurisdiction": "gb",
                                        "registered_office": "1 High Street", "founders": founders(3)}, tiny), tiny)
        legal.build_document(tiny, jurisdiction, jurisdiction.form(None),
                             legal.document_spec(tiny, jurisdiction, "tiny"), template_context(profile, tiny),
                             language="en", build="final", drop={"t-target"})
