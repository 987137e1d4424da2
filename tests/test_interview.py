"""The interview: data-declared questions, checked as they are answered by the same checks as an
answers file, never waiting without a terminal, and never losing an answer."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from coopkit.cli import main
from coopkit.errors import MissingAnswersError, UsageError
from coopkit.interview import (
    LANGUAGES,
    InterviewState,
    Words,
    apply_sets,
    check_partial,
    gather_answers,
    load_questions,
    parse_set,
)

GB = {"jurisdiction": "gb", "name": "Kept Co", "sector": "delivery", "registered_office": "1 High St, Leeds LS1 1AA"}


def test_law_comes_first_and_every_question_has_words_in_every_language(catalog):
    questions = load_questions(catalog)
    assert [q.key for q in questions[:2]] == ["jurisdiction", "legal_form"]
    for language in LANGUAGES:
        own = Words(catalog, language)._own  # the language's own file, not the English fallback
        for q in questions:
            assert own["questions"][q.key]["text"] and own["questions"][q.key]["why"], (language, q.key)
        for key in ("founders.name", "founders.email", "founders.member_class", "founders.shares"):
            assert "{n}" in own["questions"][key]["text"], (language, key)
        assert set(own["ui"]) == set(Words(catalog, "en")._en["ui"]), language
        assert set(own["groups"]) == set(Words(catalog, "en")._en["groups"]), language


def test_without_a_terminal_every_missing_required_answer_is_named_at_once(catalog):
    with pytest.raises(MissingAnswersError) as caught:
        gather_answers(catalog, answers_file=None, sets=(), use_defaults=False, interactive=False)
    message = str(caught.value)
    for key in ("name:", "sector:", "jurisdiction:"):
        assert key in message
    assert "purpose" not in message  # it has a default


def test_set_values_are_yaml_typed_but_template_syntax_stays_text():
    answers = apply_sets({"founders": [{"name": "Ana"}]}, parse_set([
        "governance.quorum_percent=30", "name={{ 7*7 }}", "sweat_equity.enabled=false",
        "platform.languages=[en, pt-BR]", "founders.0.email=ana@example.org"]))
    assert answers == {"founders": [{"name": "Ana", "email": "ana@example.org"}], "governance": {"quorum_percent": 30},
                       "name": "{{ 7*7 }}", "sweat_equity": {"enabled": False}, "platform": {"languages": ["en", "pt-BR"]}}
    with pytest.raises(UsageError):
        parse_set(["no-equals-sign"])
    with pytest.raises(UsageError, match="founders.5.name"):
        apply_sets({"founders": []}, parse_set(["founders.5.name=X"]))


def test_answers_file_then_set_wins(catalog, tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("name: From file\nsector: care\njurisdiction: gb\ngovernance: {quorum_percent: 40}\n")
    answers = gather_answers(catalog, answers_file=path, sets=("governance.quorum_percent=35",),
                             use_defaults=True, interactive=False)
    assert answers["name"] == "From file" and answers["governance"]["quorum_percent"] == 35


def _answer(state: InterviewState, key: str, text: str) -> list[str]:
    while (step := state.pending()) is not None and step.key != key:
        assert state.submit(step, f"Member {step.key}" if step.key.endswith(".name") else "") == [], step.key
    assert step is not None, key
    return state.submit(step, text)


def test_each_answer_is_refused_at_once_with_the_law_and_its_citation(catalog):
    state = InterviewState(catalog, answers=dict(GB))
    refused = _answer(state, "founders", "2")
    assert refused and "at least 3 founding members" in refused[0] and "CCBSA 2014 s.2(2)(b)" in refused[0]
    assert state.submit(state.pending(), "3") == []
    refused = _answer(state, "governance.special_majority_percent", "60")
    assert "CCBSA 2014 Sch.1 para 5" in refused[0]
    assert "founders" in state.answers  # earlier answers are kept


def test_the_step_states_the_law_before_it_is_answered(catalog):
    state = InterviewState(catalog, answers=dict(GB))
    _answer(state, "founders", "3")
    step = next(s for s in state.plan() if s.key == "founders")
    assert any("at least 3 founding members (CCBSA 2014 s.2(2)(b))" in line for line in step.law)


def test_cross_field_checks_wait_until_their_answers_are_known(catalog):
    state = InterviewState(catalog, answers=dict(GB))
    assert _answer(state, "surplus.reserve_percent", "50") == []  # the other shares are not known yet
    assert _answer(state, "surplus.education_percent", "5") == []
    assert _answer(state, "surplus.patronage_percent", "60") == []
    refused = _answer(state, "surplus.community_percent", "15")
    assert refused and "add up to 130" in refused[0]


def test_check_partial_reports_only_known_answers(catalog):
    assert check_partial({"jurisdiction": "gb"}, catalog) == []
    problems = check_partial({"jurisdiction": "gb", "governance": {"special_majority_percent": 60}}, catalog)
    assert [p.field for p in problems] == ["governance.special_majority_percent"]


@pytest.mark.parametrize(("typed", "expected"), [("uk", "gb"), ("TEXAS", "us-tx"), ("brasil", "br"), ("9", "gb"),
                                                 ("United Kingdom (England, Wales, Scotland)", "gb")])
def test_menus_take_numbers_names_and_aliases(catalog, typed, expected):
    state = InterviewState(catalog)
    step = state.pending()
    assert step.key == "jurisdiction" and state.parse(step, typed) == expected


def test_a_near_miss_gets_did_you_mean(catalog):
    from coopkit.interview import Refused

    state = InterviewState(catalog, answers={"jurisdiction": "gb"})
    step = next(s for s in state.plan() if s.key == "sector")
    with pytest.raises(Refused, match="Did you mean Delivery and couriers"):
        state.parse(step, "delivry")


def test_yes_and_no_in_the_interview_language(catalog):
    for language, yes, no in (("en", "yes", "no"), ("pt-BR", "sim", "não"), ("de", "ja", "nein"), ("fr", "oui", "non"),
                              ("es", "sí", "no")):
        state = InterviewState(catalog, language=language, answers=dict(GB))
        step = next(s for s in state.plan() if s.key == "dissolution.asset_lock")
        assert state.parse(step, yes) is True and state.parse(step, no) is False


def test_only_the_forms_document_languages_are_offered(catalog):
    state = InterviewState(catalog, answers={"jurisdiction": "es-ct"})
    assert not any(s.key == "language" for s in state.plan())  # one language: nothing to ask
    for jurisdiction in catalog.jurisdiction_ids:
        state = InterviewState(catalog, answers={"jurisdiction": jurisdiction})
        j = catalog.jurisdiction(jurisdiction)
        for step in state.plan():
            if step.key == "language":
                assert {v for v, _ in step.choices} == set(j.forms[0].languages or j.official_languages)


def test_defaults_follow_the_jurisdiction(catalog):
    for jurisdiction, zone, currency in (("br", "America/Sao_Paulo", "BRL"), ("us-tx", "America/Chicago", "USD"),
                                         ("gb", "Europe/London", "GBP"), ("de", "Europe/Berlin", "EUR")):
        state = InterviewState(catalog, answers={"jurisdiction": jurisdiction, "sector": "delivery"})
        steps = {s.key: s for s in state.plan()}
        assert steps["platform.timezone"].default == zone
        assert steps["capital.currency"].default == currency


def test_back_offers_the_earlier_answer(catalog):
    state = InterviewState(catalog, answers=dict(GB))
    _answer(state, "governance.quorum_percent", "30")
    step = state.pending()
    assert state.back()
    again = state.pending()
    assert again.key == "governance.quorum_percent" and again.default == 30 and step.key != again.key


def _typed(*lines: str, blanks: int = 60) -> str:
    return "\n".join(lines) + "\n" * (blanks + 1)


def test_the_piped_interview_refuses_as_typed_and_writes_the_coop(tmp_path):
    typed = _typed("uk", "", "Pipe Co", "", "delivry", "delivery", "", "Leeds", "1 High St, Leeds LS1 1AA",
                   "2", "3", "Ana", "", "", "Ben", "ben@example.org", "", "Cleo", "not-an-email", "", "")
    result = CliRunner().invoke(main, ["new", "--interactive", str(tmp_path / "coop")], input=typed)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Did you mean Delivery and couriers?" in out
    assert "lists 2 founders, but the law requires at least 3 founding members (CCBSA 2014 s.2(2)(b))" in out
    assert "Founder 3's email (optional): is not a valid email address" in out  # 1-based, as asked
    assert "Review your answers" in out
    coop = (tmp_path / "coop" / "coop.yml").read_text()
    assert "name: Pipe Co" in coop and "name: Cleo" in coop and "timezone: Europe/London" in coop


def test_an_answer_the_law_refuses_is_asked_again_offering_the_earlier_answer(tmp_path):
    from conftest import EXAMPLE

    result = CliRunner().invoke(main, ["new", "--interactive", "--answers", str(EXAMPLE), "--set",
                                       "governance.special_majority_percent=60", str(tmp_path / "coop")],
                                input=_typed("", "", "75"))  # admission_by (not in the file), then the refused one
    assert result.exit_code == 0, result.output
    assert "A special resolution needs at least this share of the votes (percent): is 60" in result.output
    assert "[60]" in result.output
    coop = (tmp_path / "coop" / "coop.yml").read_text()
    assert "special_majority_percent: 75" in coop and "name: Pedal Power" in coop


def test_input_that_ends_early_keeps_the_answers_for_resume(tmp_path):
    dest = tmp_path / "coop"
    result = CliRunner().invoke(main, ["new", "--interactive", str(dest)], input="uk\n\nHalf Co\n")
    assert result.exit_code == 4
    resume = tmp_path / "coop.resume.yml"
    assert f"coopkit new --resume {resume} {dest}" in result.output and "name: Half Co" in resume.read_text()
    typed = _typed("", "delivery", "", "", "1 High St, Leeds", "3", "Ana", "", "", "Ben", "", "", "Cleo", "", "")
    result = CliRunner().invoke(main, ["new", "--interactive", "--resume", str(resume), str(dest)], input=typed)
    assert result.exit_code == 0, result.output
    assert "name: Half Co" in (dest / "coop.yml").read_text() and not resume.exists()


def test_the_destination_is_checked_before_any_question(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("x")
    result = CliRunner().invoke(main, ["new", "--interactive", str(tmp_path / "taken")], input="")
    assert result.exit_code == 5 and "not empty" in result.output
    assert "Place and law" not in result.output  # no question was asked
    result = CliRunner().invoke(main, ["new", "--interactive", str(tmp_path / "missing" / "coop")], input="")
    assert result.exit_code == 2 and "does not exist" in result.output and "exists and" not in result.output


def test_defaults_for_scripts_give_a_draft_coop_with_sample_founders(tmp_path):
    from conftest import pdf_text

    result = CliRunner().invoke(main, ["new", "--defaults", "--set", "jurisdiction=br", "--set", "sector=care",
                                       str(tmp_path / "coop")])
    assert result.exit_code == 0, result.output
    coop = (tmp_path / "coop" / "coop.yml").read_text()
    assert coop.count("Sample founder") == 7  # the minimum of a cooperativa de trabalho (Lei 12.690/2012)
    assert "DRAFT" in pdf_text(next((tmp_path / "coop" / "legal").glob("*.pdf")))


def test_question_mark_explains_and_less_than_goes_back_one_question(catalog):
    from coopkit.interview import Interview

    asked, said = [], []
    script = iter(["uk", "", "Back Co", "?", "<", "Back Co Two", "", "delivery"])

    def prompt(text):
        asked.append(text)
        return next(script, "")

    given = {"region": "Leeds", "registered_office": "1 High St, Leeds", "founders": [{"name": n} for n in "ABC"]}
    answers = Interview(catalog, interactive=True, use_defaults=False, prompt=prompt, echo=said.append, tty=False).run(given)
    assert answers["name"] == "Back Co Two" and answers["sector"] == "delivery"
    assert any("Why we ask: It becomes the objects clause" in str(m) for m in said)  # ? on the purpose question
    purpose = [t for t in asked if t.startswith("The co-op's purpose")]
    names = [t for t in asked if t.startswith("The co-op's name")]
    assert len(purpose) == 3 and len(names) == 2 and "[Back Co]" in names[1]  # ?, <, then again; the earlier name offered


def test_the_interview_speaks_the_language_of_the_locale(catalog, monkeypatch):
    from coopkit.interview import interview_language

    monkeypatch.setenv("LC_ALL", "pt_BR.UTF-8")
    assert interview_language() == "pt-BR"
    monkeypatch.setenv("LC_ALL", "de_AT.UTF-8")
    assert interview_language() == "de"
    assert interview_language("fr") == "fr"
    with pytest.raises(UsageError, match="en, pt-BR, es, de, fr"):
        interview_language("xx")
    state = InterviewState(catalog, language="pt-BR", answers=dict(GB))
    step = next(s for s in state.plan() if s.key == "founders")
    assert step.text == "Quantos são os cooperados fundadores?"


def test_the_handbook_language_is_offered_apart_from_the_documents(catalog, tmp_path):
    from coopkit.handbook import languages

    state = InterviewState(catalog, answers={"jurisdiction": "de", "sector": "delivery"})
    step = next(s for s in state.plan() if s.key == "handbook_language")
    assert {v for v, _ in step.choices} == set(languages(catalog))  # every handbook language, not only the form's
    assert step.default == "de"  # the documents' language by default
    assert state.parse(step, "English") == "en" or state.parse(step, "en") == "en"
    out = tmp_path / "hb"
    from conftest import EXAMPLE

    result = CliRunner().invoke(main, ["handbook", "--answers", str(EXAMPLE), "--set", "handbook_language=de",
                                       "-o", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert 'lang="de"' in (out / "handbook.html").read_text(encoding="utf-8")
    refused = CliRunner().invoke(main, ["handbook", "--answers", str(EXAMPLE), "--set", "handbook_language=xx",
                                        "-o", str(tmp_path / "no"), "--format", "html"])
    assert refused.exit_code == 2 and "handbook_language 'xx'" in refused.output
