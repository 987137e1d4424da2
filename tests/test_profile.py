"""The profile: layering, validation messages, and coop.yml round trips."""
from __future__ import annotations

import json

import pytest
import yaml

from conftest import EXAMPLE, ROOT, founders
from coopkit import profile as P
from coopkit.errors import ProfileError, YamlFileError


def resolved(catalog, **answers):
    base = {"name": "Test Co", "sector": "delivery", "jurisdiction": "gb", "founders": founders(3),
            "registered_office": "1 High Street, Leeds LS1 1AA"}
    return P.resolve({**base, **answers}, catalog)


def test_example_profile_round_trips_through_coop_yml(catalog, tmp_path):
    profile = P.validate(P.resolve(P.load_answers(EXAMPLE), catalog), catalog)
    path = tmp_path / "coop.yml"
    P.save_profile(profile, path)
    again = P.validate(P.resolve(P.load_answers(path), catalog), catalog)
    assert again == profile
    assert again.digest() == profile.digest()


def test_coop_yml_has_a_comment_per_field_in_spec_order(catalog, tmp_path):
    profile = P.validate(resolved(catalog), catalog)
    text = P.dump_profile(profile)
    keys = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith((" ", "#", "-"))]
    assert keys[:8] == ["schema_version", "name", "purpose", "sector", "region", "jurisdiction", "legal_form", "coop_type"]
    assert "quorum_percent: 25  # of voting members, for a general meeting" in text
    first_items = text.split("  - name: Founder 2")[0]  # later list items do not repeat the comments
    for line in first_items.splitlines():
        if line.strip() and not line.lstrip().startswith(("#", "- ")) and ":" in line and not line.rstrip().endswith(":"):
            assert "#" in line, f"no comment on {line!r}"
    assert "  - name: Founder 2\n    email: founder2@example.org\n" in text


def test_hostile_strings_survive_a_round_trip(catalog, tmp_path):
    name = "Zoë's \"Co-op\" {{ 7*7 }} <script> ../../etc 🚲 تعاونية: # yes"
    profile = P.validate(resolved(catalog, name=name, purpose="A: b # c\nline two"), catalog)
    P.save_profile(profile, tmp_path / "coop.yml")
    again = P.validate(P.resolve(P.load_answers(tmp_path / "coop.yml"), catalog), catalog)
    assert again.name == name
    assert again.purpose == "A: b # c\nline two"


def test_defaults_are_layered_sector_then_jurisdiction_then_answers(catalog):
    data = resolved(catalog)
    assert data["platform"]["commission_percent"] == 12  # the delivery sector's default
    assert data["governance"]["special_majority_percent"] == 75  # gb registered society's default
    assert data["capital"]["currency"] == "GBP"  # the jurisdiction's currency
    data = resolved(catalog, governance={"special_majority_percent": 80}, platform={"commission_percent": 9})
    assert data["governance"]["special_majority_percent"] == 80
    assert data["platform"]["commission_percent"] == 9


def test_member_classes_default_from_coop_type_and_sector(catalog):
    worker = P.validate(resolved(catalog, coop_type="worker"), catalog)
    assert [c.id for c in worker.member_classes] == ["worker"]
    assert worker.member_classes[0].label == "Courier"
    multi = P.validate(resolved(catalog, coop_type="multi-stakeholder", sector="home-sharing"), catalog)
    assert [c.label for c in multi.member_classes] == ["Host", "Guest", "Community partner"]


@pytest.mark.parametrize(("answers", "field", "words"), [
    ({"surplus": {"reserve_percent": 20, "education_percent": 5, "patronage_percent": 60, "community_percent": 5}},
     "surplus", "add up to 90, not 100"),
    ({"founders": [{"name": "A", "email": "not-an-email"}] * 3}, "founders.0.email", "not a valid email"),
    ({"colour": "red"}, "colour", "not a field of coop.yml"),
    ({"governance": {"quorum_percent": 0}}, "governance.quorum_percent", "greater than 0"),
    ({"name": "x" * 300}, "name", "300 characters long; at most 160"),
    ({"name": "bad\x07name"}, "name", "control character"),
    ({"platform": {"timezone": "Mars/Olympus"}}, "platform.timezone", "not an IANA time zone"),
])
def test_invalid_answers_name_the_field_and_the_problem(catalog, answers, field, words):
    with pytest.raises(ProfileError) as caught:
        P.validate(resolved(catalog, **answers), catalog)
    message = str(caught.value)
    assert field in message and words in message


def test_law_checks_cite_the_statute_and_draft_lets_too_few_founders_through(catalog):
    with pytest.raises(ProfileError) as caught:
        P.validate(resolved(catalog, founders=founders(2)), catalog)
    assert "founders: lists 2 founders, but the law requires at least 3 founding members" in str(caught.value)
    assert "CCBSA 2014 s.2(2)(b)" in str(caught.value)
    draft = P.validate(resolved(catalog, founders=founders(2)), catalog, draft=True)
    assert len(draft.founders) == 2
    with pytest.raises(ProfileError) as caught:
        P.validate(resolved(catalog, governance={"special_majority_percent": 60}), catalog, draft=True)
    assert "governance.special_majority_percent: is 60" in str(caught.value)


def test_class_weighted_voting_where_the_law_allows_it_and_refused_with_a_citation_where_not(catalog):
    def weighted(jurisdiction):
        data = resolved(catalog, jurisdiction=jurisdiction, coop_type="multi-stakeholder",
                        governance={"class_weighted_voting": True})
        for cls, weight in zip(data["member_classes"], (60, 40, 0), strict=True):
            cls["vote_weight_percent"] = weight
        data["member_classes"][2]["voting"] = False
        return data

    assert P.validate(weighted("gb"), catalog).governance.class_weighted_voting  # gb: Somerset-style rules
    with pytest.raises(ProfileError) as caught:
        P.validate(weighted("us-tx"), catalog)
    message = str(caught.value)
    assert "governance.class_weighted_voting: is true, but the law" in message and "251.254" in message


def test_suffix_is_added_once(catalog):
    form = catalog.jurisdiction("gb").form("registered-society")
    assert form.full_name("Pedal Power") == "Pedal Power Limited"
    assert form.full_name("Pedal Power Limited") == "Pedal Power Limited"
    assert form.full_name("Pedal Power ltd.") == "Pedal Power ltd."


def test_json_schema_file_shipped_matches_the_model():
    shipped = json.loads((ROOT / "generator" / "coopkit" / "coop.schema.json").read_text(encoding="utf-8"))
    assert shipped == P.json_schema()
    assert set(shipped["required"]) == {"name", "sector", "jurisdiction"}


@pytest.mark.parametrize(("content", "words"), [
    (b"", "is empty"),
    (b"\x00\x01\x02binary", "binary file"),
    (b"name: [unclosed\nsector: x\n", "line 2"),
    (b"- just\n- a list\n", "should be a mapping"),
    (b"name: a\nname: b\n", "given twice"),
    (b"\xff\xfe\xfa", "not UTF-8"),
])
def test_broken_yaml_says_where(tmp_path, content, words):
    path = tmp_path / "coop.yml"
    path.write_bytes(content)
    with pytest.raises(YamlFileError) as caught:
        P.load_answers(path)
    assert words in str(caught.value) and str(path) in str(caught.value)


def test_loaded_yaml_never_builds_python_objects(tmp_path):
    path = tmp_path / "coop.yml"
    path.write_text("name: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(YamlFileError):
        P.load_answers(path)
    assert yaml  # the safe loader is the only loader used


@pytest.mark.parametrize(("jid", "fid", "name", "full"), [
    ("br", "cooperativa-de-trabalho", "Cooperativa de Trabalho Pedal Rio", "Cooperativa de Trabalho Pedal Rio"),
    ("br", "cooperativa-de-trabalho", "Pedal Rio", "Pedal Rio – Cooperativa de Trabalho"),
    ("us-tx", None, "Marfa Cooperative Delivery", "Marfa Cooperative Delivery"),
    ("de", None, "Radkuriere eG", "Radkuriere eG"),
    ("de", None, "Radkuriere", "Radkuriere eG"),
])
def test_names_required_anywhere_are_not_added_twice(catalog, jid, fid, name, full):
    assert catalog.jurisdiction(jid).form(fid).full_name(name) == full
