"""Cross-field rules (law_rules.py): every rule in every jurisdiction's data is broken by its own
`breaks:` answers and refused with its citation; the expression language refuses anything unsafe."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT
from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.errors import DataError, ProfileError
from coopkit.law_rules import RuleSyntaxError, compile_expression, evaluate, names_in, rule_defaults
from test_legal import valid_profile

CATALOG = Catalog()
RULES = [(j.id, f.id, r.id) for j in CATALOG.jurisdictions.values() for f in j.forms for r in f.rules]


def _rule(jid, fid, rule_id):
    return next(r for r in CATALOG.jurisdiction(jid).form(fid).rules if r.id == rule_id)


def breaking_data(catalog, jid, fid, breaks: dict) -> dict:
    """A valid profile of the form, with the rule's `breaks:` answers applied (`founders: N` stands
    for N founders of the first member class)."""
    data = valid_profile(catalog, jid, fid).model_dump(mode="json")
    later = {}
    for key, value in breaks.items():
        if key == "founders":
            later[key] = value
        else:
            P.set_path(data, key, value)
    if "founders" in later:
        value = later["founders"]
        first = data["member_classes"][0]["id"]
        data["founders"] = ([{"name": f"Founder {i}", "member_class": first} for i in range(1, value + 1)]
                            if isinstance(value, int) else value)
    return data


def test_every_form_has_the_rules_the_law_puts_everywhere():
    for jurisdiction in CATALOG.jurisdictions.values():
        for form in jurisdiction.forms:
            ids = {r.id for r in form.rules}
            assert {"board-within-founders", "registered-office-required", "registered-office-not-region"} <= ids, \
                (jurisdiction.id, form.id)
            for rule in form.rules:
                assert rule.cite.strip() and rule.rule.strip() and rule.fix.strip(), (form.id, rule.id)


@pytest.mark.parametrize(("jid", "fid", "rule_id"), RULES, ids=["-".join(r) for r in RULES])
def test_each_rule_refuses_its_breaking_answers_with_its_citation(jid, fid, rule_id):
    rule = _rule(jid, fid, rule_id)
    valid = valid_profile(CATALOG, jid, fid)
    assert not any(rule.rule in p.message for p in P.law_problems(valid, CATALOG)), "the valid profile breaks it"
    data = breaking_data(CATALOG, jid, fid, rule.breaks)
    profile = P.Profile.model_validate(data)  # the model accepts it: only the law refuses it
    refused = [p for p in P.law_problems(profile, CATALOG) if rule.rule in p.message]
    assert len(refused) == 1, [str(p) for p in P.law_problems(profile, CATALOG)]
    problem = refused[0]
    assert problem.field == rule.field and problem.cite.startswith(rule.cite) and problem.fix == rule.fix
    assert ("UNCONFIRMED" in problem.cite) == (not rule.confirmed)
    assert problem.draftable == rule.draftable
    with pytest.raises(ProfileError) as caught:  # and validation (what `coopkit new` runs) names it
        P.validate(data, CATALOG)
    assert rule.cite in str(caught.value) and f"  - {rule.field}:" in str(caught.value)
    if rule.draftable:
        others = [p for p in P.law_problems(profile, CATALOG) if not p.draftable]
        if not others:
            P.validate(data, CATALOG, draft=True)  # --draft lets it through


@pytest.mark.parametrize(("jid", "fid", "rule_id"), [r for r in RULES if _rule(*r).default is not None
                                                      or _rule(*r).default_from],
                         ids=lambda v: str(v))
def test_a_default_a_rule_proposes_satisfies_it(jid, fid, rule_id):
    rule = _rule(jid, fid, rule_id)
    form = CATALOG.jurisdiction(jid).form(fid)
    answers = {"name": "X", "sector": "delivery", "jurisdiction": jid, "legal_form": fid}
    for founders in (2, 3, 4, 9, 12, 25):
        given = {**answers, "founders": [{"name": f"F{i}"} for i in range(founders)]}
        value = P.get_path(P.resolve(given, CATALOG), rule.field)
        assert value == rule_defaults(form, given)[rule.field]
        values = {"founders_count": founders, "governance": {rule.field.split(".")[-1]: value}}
        if rule.field.startswith("governance.") and set(names_in(rule.require)) <= {rule.field, "founders_count"}:
            assert evaluate(rule.require, values) or founders < 2, (founders, value)


def test_an_answer_given_beats_a_rule_default():
    answers = {"name": "X", "sector": "delivery", "jurisdiction": "br", "governance": {"agm_month": 2}}
    assert P.resolve(answers, CATALOG)["governance"]["agm_month"] == 2
    assert P.resolve({**answers, "governance": {}}, CATALOG)["governance"]["agm_month"] == 3


@pytest.mark.parametrize("source", [
    "__import__('os').system('true')", "governance.__class__", "founders[0]", "(lambda: 1)()",
    "open('x')", "len(founders, x=1)", "[x for x in founders]", "governance.board_size if 1 else 2",
    "a := 1", "founders_count ** 99",
])
def test_the_expression_language_refuses_anything_but_its_own_parts(source):
    with pytest.raises(RuleSyntaxError):
        compile_expression(source)


def test_expressions_read_paths_lists_facts_and_functions():
    values = {"founders": [{"member_class": "worker"}, {"member_class": "User"}, {"member_class": "user"}],
              "governance": {"board_size": 3}, "founders_count": 3, "fact": {"min_capital": 30},
              "registered_office": " Testville. ", "region": "testville"}
    assert evaluate("distinct(founders.member_class) == 2", values)
    assert evaluate("'worker' in founders.member_class and not 'staff' in founders.member_class", values)
    assert evaluate("governance.board_size <= founders_count - 1", values) is False
    assert evaluate("fact.min_capital * 2 == 60", values)
    assert evaluate("text(registered_office) == text(region)", values)
    assert names_in("governance.board_size <= founders_count and len(founders) > 1") == \
        ["governance.board_size", "founders_count", "founders"]
    with pytest.raises(KeyError):
        evaluate("governance.nothing > 1", values)


def test_a_rule_with_a_broken_expression_is_a_data_error_naming_the_file(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(ROOT / "legal", root / "legal")
    shutil.copytree(ROOT / "templates" / "sectors", root / "templates" / "sectors")
    path = root / "legal" / "jurisdictions" / "gb" / "jurisdiction.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('require: "governance.board_size <= founders_count"',
                                 'require: "governance.board_size.__class__"', 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"gb/jurisdiction.yml.*rules.*not a profile path"):
        Catalog(root).jurisdiction("gb")


def test_the_message_names_the_field_its_value_the_other_values_the_law_and_the_fix():
    data = breaking_data(CATALOG, "es", "cooperativa-trabajo-asociado", {"founders": 3, "governance.board_size": 3})
    with pytest.raises(ProfileError) as caught:
        P.validate(data, CATALOG)
    text = str(caught.value)
    assert "governance.board_size: is 3 while there are 3 founders, but the law requires at least one interventor" in text
    assert "Ley 27/1999 arts. 33 y 38; UNCONFIRMED, confirm with a lawyer" in text
    assert "Lower governance.board_size to the number of founders minus one" in text
