"""The lawyer's linter (lint.py): each pattern it circles, on text a clause could print; `coopkit check`
and the build report findings naming the document and the clause. That every form × co-op type × sector
× build renders without a finding is asserted where those renders are made, in test_legal.py."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_coopkit
from coopkit import api
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.documents import render_documents
from coopkit.errors import RenderError
from coopkit.lint import lint_documents, lint_markdown, refuse_findings
from test_legal import valid_profile

CATALOG = Catalog()
PROFILE = valid_profile(CATALOG, "gb", "registered-society")


def kinds(markdown: str, language: str = "en", profile=PROFILE) -> list[str]:
    return [f.kind for f in lint_markdown("rules", markdown, language, profile)]


def doc(body: str, title: str = "3.2 Quorum") -> str:
    return f"# Rules of Test Platform Limited\n\n## Article 3. Meetings {{#article-3}}\n\n### {title} {{#quorum}}\n\n{body}\n"


@pytest.mark.parametrize(("body", "kind"), [
    ("The office is at [adresse], Lyon.", "a placeholder in square brackets"),
    ("Sede in [indirizzo].", "a placeholder in square brackets"),
    ("The county of [municipality].", "a placeholder in square brackets"),
    ("Se elige interventor a [socio no consejero].", "a placeholder in square brackets"),
    ("located in \\[county\\] County", "a placeholder in square brackets"),
    ("The quorum is {{ coop.quorum }}.", "template code left in the text"),
    ("{% if x %}Text.", "template code left in the text"),
    ("The beneficiary is None.", "a missing value printed as None"),
    ("Registered in Testville..", "doubled or misplaced punctuation"),
    ("Members, , and directors", "doubled or misplaced punctuation"),
    ("Members,, and directors", "doubled or misplaced punctuation"),
    ("the first，, board", "doubled or misplaced punctuation"),
    ("A share of 10%of the surplus.", "a value glued to the next word"),
    ("Founder 1 is chair and Founder 2secretary.", "a value glued to the next word"),
    ("At least 66.67 % of votes.", "a percentage not written as en writes it (66.67%)"),
    ("At least 67% of the votes cast.", "a number that differs from coop.yml (governance.special_majority_percent is 66.67)"),
])
def test_the_linter_circles(body, kind):
    profile = PROFILE.model_copy(update={"governance": PROFILE.governance.model_copy(
        update={"special_majority_percent": 66.67})})
    found = lint_markdown("rules", doc(body), "en", profile)
    assert kind in [f.kind for f in found], [f.kind for f in found]
    finding = next(f for f in found if f.kind == kind)
    assert finding.document == "rules" and finding.clause == "3.2 Quorum"
    problem = str(finding.as_problem())
    assert problem.startswith("legal/rules.md, 3.2 Quorum: " + kind) and finding.fix in problem


@pytest.mark.parametrize("body", [
    "See [3.2](#quorum) and [the Act](https://www.legislation.gov.uk/ukpga/2014/14).",
    "A review note **[to confirm]** flags a fact.",
    "Names typed with brackets are escaped: Coop \\[North\\].",
    "More than 50% of the votes cast; at least 75% for a special resolution.",
    "None of the members may vote twice.",
    "Wait... and see; Testkoop U.A., with its seat.",
    "| Founder | Class |\n|---|---|\n| Founder 1 | Courier |",
    "The 1st and 2nd of May.",
])
def test_the_linter_leaves_legitimate_text_alone(body):
    assert kinds(doc(body)) == []


def test_percentages_are_checked_in_the_document_s_language():
    assert kinds(doc("au moins 66,67 % des voix"), "fr") == []
    assert "a percentage not written as fr writes it (66,67 %)" in kinds(doc("au moins 66.67% des voix"), "fr")
    assert kinds(doc("pelo menos 66,67% dos votos"), "pt-BR") == []
    assert kinds(doc("pelo menos 66.67% dos votos"), "pt-BR") != []


def test_a_class_label_left_in_english_in_another_language_is_named():
    profile = valid_profile(CATALOG, "de", "eingetragene-genossenschaft")
    assert profile.member_classes[0].id == "worker" and profile.member_classes[0].label != "Courier"
    context = {**template_context(profile, CATALOG), "build": "final"}
    docs = render_documents(profile, CATALOG, context, build="final")
    assert lint_documents(docs, profile, CATALOG) == []  # the sector's German label: fine
    classes = [c.model_copy(update={"label": "Courier"}) if c.id == "worker" else c for c in profile.member_classes]
    english = profile.model_copy(update={"member_classes": classes})
    docs = render_documents(english, CATALOG, {**context, "coop": english.model_dump(mode="json")}, build="final")
    found = [f for f in lint_documents(docs, english, CATALOG) if "translation" in f.kind]
    assert found and found[0].kind == "a member-class label with no de translation" and found[0].excerpt == "Courier"
    assert "Kurier" in found[0].fix and found[0].document == "satzung"


def test_refusing_lists_document_and_clause_and_a_draft_keeps_placeholders():
    found = lint_markdown("rules", doc("At [address]. And Testville.."), "en", PROFILE)
    with pytest.raises(RenderError) as caught:
        refuse_findings(found)
    assert "legal/rules.md, 3.2 Quorum: a placeholder in square brackets" in str(caught.value)
    assert "nothing was written" in str(caught.value) and caught.value.exit_code == 7
    with pytest.raises(RenderError) as draft:
        refuse_findings(found, draft=True)
    assert "placeholder" not in str(draft.value) and "doubled" in str(draft.value)


def test_check_reports_document_findings_in_text_and_json(tmp_path):
    from coopkit import profile as P

    path = tmp_path / "coop.yml"
    P.save_profile(PROFILE, path)
    findings = api.check(path, catalog=CATALOG)
    assert findings.documents == [] and findings.ok
    done = run_coopkit("check", str(path), "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["documents"] == []
    text = run_coopkit("check", str(path)).stdout
    assert "The documents as a lawyer reads them (placeholders, punctuation, numbers): ok" in text


def test_check_of_a_folder_names_the_document_and_clause_an_edit_broke(tmp_path):
    from coopkit import profile as P

    out = tmp_path / "legal-out"
    api.legal(PROFILE, out, build="final", catalog=CATALOG, formats=("md",))
    rules = out / "rules.md"
    rules.write_text(rules.read_text(encoding="utf-8").replace("Test Platform Limited", "Test Platform Limited..", 1),
                     encoding="utf-8")
    dest = tmp_path / "dest"
    (dest / "legal").mkdir(parents=True)
    rules.rename(dest / "legal" / "rules.md")
    P.save_profile(PROFILE, dest / "coop.yml")
    done = run_coopkit("check", str(dest), "--format", "json")
    assert done.returncode == 1
    documents = json.loads(done.stdout)["documents"]
    assert documents and documents[0]["field"].startswith("legal/rules.md, ")
    assert "doubled or misplaced punctuation" in documents[0]["message"]


BROKEN = sorted((ROOT / "tests" / "broken").glob("*.yml"))


def _expected(path):
    head = dict(line[2:].split(": ", 1) for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith(("# field: ", "# cite: ")))
    return head["field"].strip(), head["cite"].strip()


def test_the_broken_corpus_covers_every_jurisdiction():
    assert {path.read_text(encoding="utf-8").split("jurisdiction: ")[1].split()[0] for path in BROKEN} == \
        set(CATALOG.jurisdiction_ids)


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_a_broken_profile_is_refused_by_the_cli(path, tmp_path):
    field, cite = _expected(path)
    checked = run_coopkit("check", str(path))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert f"  - {field}: " in checked.stdout and cite in checked.stdout, checked.stdout
    dest = tmp_path / "coop"
    made = run_coopkit("new", "--answers", str(path), str(dest))
    assert made.returncode == 3, made.stdout + made.stderr
    assert f"  - {field}: " in made.stderr and cite in made.stderr, made.stderr
    assert not dest.exists()


def test_a_one_word_name_inside_a_longer_word_is_not_glued():
    profile = PROFILE.model_copy(update={"founders": [f.model_copy(update={"name": "Ben"}) for f in PROFILE.founders]})
    assert kinds(doc("The Co-operative and Community Benefit Societies Act 2014."), profile=profile) == []
    pipe = PROFILE.model_copy(update={"name": "Pipe Co"})
    assert kinds(doc("Pipe Co-operative rules. Pipe Co Limited."), profile=pipe) == []
    assert kinds(doc("Pipe Colimited"), profile=pipe) == ["a value glued to the next word"]


def test_the_founders_own_words_are_never_a_finding():
    name = "Zoë's \"Rápido\" {{ 7*7 }} ../../etc [North]"
    hostile = PROFILE.model_copy(update={"name": name})
    from coopkit.render import md_escape

    assert kinds(doc(f"The name is **{md_escape(name)} Limited**."), profile=hostile) == []
    assert kinds(doc(f"The name is **{md_escape(name)} Limited**.."), profile=hostile) == \
        ["doubled or misplaced punctuation"]
