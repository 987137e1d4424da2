"""The interview: data-declared questions, layered answers, and never waiting without a terminal."""
from __future__ import annotations

import pytest

from coopkit.errors import MissingAnswersError, UsageError
from coopkit.interview import Interview, apply_sets, gather_answers, load_questions, parse_set


def test_questions_are_grouped_data_with_help(catalog):
    questions = load_questions(catalog)
    groups = list(dict.fromkeys(q.group for q in questions))
    assert groups == ["The co-op", "Place and law", "Members and founders", "Capital", "Governance",
                      "Surplus", "Sweat equity", "Platform"]
    assert all(q.help for q in questions)


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
    assert answers == {"founders": [{"name": "Ana", "email": "ana@example.org"}], "governance": {"quorum_percent": 30}, "name": "{{ 7*7 }}",
                       "sweat_equity": {"enabled": False}, "platform": {"languages": ["en", "pt-BR"]}}
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


def test_interactive_asks_only_what_is_missing_and_reasks_on_invalid(catalog):
    asked = []
    replies = {"How many founding members are there?": 3, "The co-op's name": "x" * 200}

    def prompt(text, default=None, type=None, show_choices=True):
        asked.append(text)
        if text.startswith("The co-op's name"):
            # first a name that is too long, then a good one
            return replies.pop("The co-op's name", "Good Name")
        if text == "How many founding members are there?":
            return 3
        if "Full name" in text:
            return f"Founder {len(asked)}"
        return default

    messages = []
    interview = Interview(catalog, interactive=True, use_defaults=False, prompt=prompt, echo=messages.append)
    answers = interview.run({"sector": "delivery", "jurisdiction": "gb"})
    assert answers["name"] == "Good Name"
    assert any("At most 160 characters" in str(m) for m in messages)
    assert not any(t.startswith("What the platform does") for t in asked)  # sector was given
    assert len(answers["founders"]) == 3
    assert answers["governance"]["quorum_percent"] == 25  # the default offered was taken


def test_when_skips_questions_that_do_not_apply(catalog):
    asked = []

    def prompt(text, default=None, type=None, show_choices=True):
        asked.append(text)
        return 0 if "How many" in text else default

    Interview(catalog, interactive=True, use_defaults=False, prompt=prompt, echo=lambda m: None).run(
        {"name": "N", "sector": "delivery", "jurisdiction": "gb", "coop_type": "worker",
         "sweat_equity": {"enabled": False}})
    assert not any("Weight votes by member class" in t for t in asked)  # only multi-stakeholder
    assert not any("Value of one hour" in t for t in asked)  # sweat equity is off


def test_the_cli_interview_asks_in_groups_and_writes_the_answers(tmp_path):
    from click.testing import CliRunner

    from coopkit.cli import main

    founder = lambda name: f"{name}\n\n\n\n"  # noqa: E731 - name, then email, class and shares by default
    typed = "Interactive Co\n" + "\n" * 6 + "\n" + founder("Ana") + founder("Ben") + founder("Cleo") + "\n" * 60
    result = CliRunner().invoke(main, ["new", "--interactive", "--set", "sector=cleaning", "--set", "jurisdiction=gb",
                                       str(tmp_path / "coop")], input=typed)
    assert result.exit_code == 0, result.output
    for group in ("The co-op", "Place and law", "Members and founders", "Governance", "Surplus", "Platform"):
        assert group in result.output
    coop = (tmp_path / "coop" / "coop.yml").read_text()
    assert "name: Interactive Co" in coop and "name: Cleo" in coop and "sector: cleaning" in coop


def test_an_answer_the_law_refuses_is_asked_again_and_the_rest_is_kept(tmp_path):
    from click.testing import CliRunner

    from coopkit.cli import main

    # special majority typed as 60 (refused: at least 66.67 for a gb society), then 75 when asked again
    answers = tmp_path / "a.yml"
    answers.write_text("name: Kept Co\nsector: care\njurisdiction: gb\nregion: Leeds\n"
                       "founders: [{name: A}, {name: B}, {name: C}]\n"
                       "governance: {special_majority_percent: 60}\n")
    result = CliRunner().invoke(main, ["new", "--interactive", "--answers", str(answers), str(tmp_path / "coop")],
                                input="\n" * 40 + "75\n" + "\n" * 10)
    assert result.exit_code == 0, result.output
    assert "governance.special_majority_percent: is 60" in result.output and "Please answer these again" in result.output
    coop = (tmp_path / "coop" / "coop.yml").read_text()
    assert "special_majority_percent: 75" in coop and "region: Leeds" in coop


def test_the_destination_is_checked_before_any_question(tmp_path):
    from click.testing import CliRunner

    from coopkit.cli import main

    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("x")
    result = CliRunner().invoke(main, ["new", "--interactive", str(tmp_path / "taken")], input="")
    assert result.exit_code == 5 and "not empty" in result.output
    assert "The co-op" not in result.output  # no question was asked
