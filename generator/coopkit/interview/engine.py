"""The interview's logic, shared by the terminal and the web: which questions apply, their words,
defaults, choices and the law's limits, how a typed answer is read, and `check_partial`, which runs
the profile's own checks (the model, `law_problems` and the form's cross-field rules) on the answers
known so far. No frontend holds a rule of its own.
"""
from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ..catalog import Catalog, Jurisdiction, LegalForm
from ..errors import CoopkitError, DataError, Problem
from ..profile import Profile, _pydantic_problems, deep_merge, get_path, law_problems, layered_defaults, resolve
from ..render import markdown_env
from .answers import MISSING, model_default
from .questions import Question, Words, load_questions

_READS_AS = {  # names a law check or rule reads that are not a question: the question behind them
    "founders_count": "founders", "subscribed_capital": "founders", "name_length": "name",
    "member_classes_count": "member_classes", "voting_classes_count": "member_classes",
}


class Refused(Exception):
    """A typed answer that cannot be read (not a number, not one of the choices...)."""


@dataclass
class Step:
    """One prompt: a profile path (`founders.0.email`), its words, default and the law's limits."""

    key: str
    kind: str  # str, int, float, bool, choice, count
    group: str
    group_title: str
    text: str
    why: str
    law: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    default: Any = MISSING
    optional: bool = False
    words_key: str = ""  # founders.email for founders.2.email
    alias_kind: str = ""

    def shown(self, value: Any, words: Words) -> str:
        """A value as the founders read it: a choice's label, yes/no in words, blank as '-'."""
        if value is MISSING or value is None or value == "":
            return "-"
        if self.kind == "bool":
            return words.ui("yes_label") if value else words.ui("no_label")
        if self.kind == "count" and isinstance(value, list):
            return str(len(value))
        for choice, label in self.choices:
            if str(choice) == str(value):
                return label
        return f"{value:g}" if isinstance(value, float) else str(value)


def _form(catalog: Catalog, answers: dict) -> tuple[Jurisdiction, LegalForm] | None:
    if answers.get("jurisdiction") not in catalog.jurisdiction_ids:
        return None
    jurisdiction = catalog.jurisdiction(answers["jurisdiction"])
    try:
        return jurisdiction, jurisdiction.form(answers.get("legal_form"))
    except CoopkitError:
        return jurisdiction, jurisdiction.forms[0]


# ---------------------------------------------------------------------------------------------
# check_partial: the same checks as a finished profile, on the answers known so far


def _placeholders(answers: dict, catalog: Catalog) -> tuple[dict, bool]:
    """Answers with stand-ins for what is not known yet, so the model and the law can be run."""
    filled = copy.deepcopy(answers)
    filled.setdefault("name", "Pending")
    if filled.get("sector") not in catalog.sector_ids and "sector" not in answers:
        filled["sector"] = catalog.sector_ids[0]
    law = filled.get("jurisdiction") in catalog.jurisdiction_ids
    if "jurisdiction" not in answers:
        filled["jurisdiction"] = catalog.jurisdiction_ids[0]
    for i, founder in enumerate(filled.get("founders") or []):
        if isinstance(founder, dict):
            founder.setdefault("name", f"Founder {i + 1}")
    return filled, law


def _rule_reads(form: LegalForm, problem: Problem) -> set[str]:
    """The answers a cross-field rule reads (its field and every name in its expressions)."""
    from ..law_rules import names_in

    for rule in getattr(form, "rules", []) or []:
        if rule.field == problem.field and problem.cite.startswith(rule.cite):
            names = {rule.field, *names_in(rule.require), *(names_in(rule.when) if rule.when.strip() else [])}
            return {_READS_AS.get(n, n) for n in names if not n.startswith("fact.")}
    return {problem.field}


def partial_problems(answers: dict, catalog: Catalog,
                     known: Callable[[str], bool] | None = None) -> list[tuple[Problem, set[str]]]:
    """Each problem of the known answers, with the answers it reads."""
    known = known or (lambda path: get_path(answers, path, MISSING) is not MISSING)
    filled, law = _placeholders(answers, catalog)
    found: list[tuple[Problem, set[str]]] = []
    for key, ids in (("sector", catalog.sector_ids), ("jurisdiction", catalog.jurisdiction_ids)):
        if key in answers and answers[key] not in ids:
            found.append((Problem(key, f"{answers[key]!r} is not known", f"Choose one of: {', '.join(ids)}"), {key}))
    if found:
        return found
    try:
        data = resolve(filled, catalog)
    except CoopkitError as error:
        return [(Problem("legal_form", error.message.removeprefix("legal_form: ")), {"legal_form"})]
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        problems = _pydantic_problems(exc)
        if any(known(p.field) for p in problems) or not law:
            return [(p, {p.field}) for p in problems if known(p.field)]
        rebuilt = _without_checks(data, {p.field.split(".")[0] for p in problems})
        if rebuilt is None:
            return []
        profile = rebuilt
    if not law:
        return []
    form = catalog.jurisdiction(profile.jurisdiction).form(profile.legal_form)
    for problem in law_problems(profile, catalog):
        reads = _rule_reads(form, problem)
        if known(problem.field) and all(known(name) for name in reads):
            found.append((problem, reads))
    return found


def _without_checks(data: dict, sections: set[str]) -> Profile | None:
    """The profile with these sections taken as they are, unchecked: a check of the model that waits
    for answers not known yet (the four surplus shares adding up to 100) must not hide the law's
    limit on an answer that is known (the reserve's minimum)."""
    try:
        base = Profile.model_validate({k: v for k, v in data.items() if k not in sections})
    except ValidationError:
        return None
    updates: dict[str, Any] = {}
    for key in sections:
        section = _submodel(Profile.model_fields[key].annotation) if key in Profile.model_fields else None
        if section is not None and isinstance(data.get(key), dict):
            try:
                defaults = section().model_dump()
            except ValidationError:
                return None
            updates[key] = section.model_construct(**{**defaults, **data[key]})
    return base.model_copy(update=updates)


def _submodel(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def check_partial(answers: dict, catalog: Catalog, known: Callable[[str], bool] | None = None) -> list[Problem]:
    """Problems of the answers known so far: the model, the law's checks and the form's cross-field
    rules, each reported once every answer it reads is known. `known(path)` says which answers are
    known (default: those present in `answers`)."""
    return [problem for problem, _ in partial_problems(answers, catalog, known)]


# ---------------------------------------------------------------------------------------------
# The interview state: answers, the answers given earlier (offered again), and the path back


class InterviewState:
    """The answers so far and everything derived from them. The terminal and the web drive it."""

    def __init__(self, catalog: Catalog, *, language: str = "en", answers: dict | None = None,
                 earlier: dict | None = None, history: list[str] | None = None):
        self.catalog = catalog
        self.words = Words(catalog, language)
        self.language = language
        self.questions: list[Question] = load_questions(catalog)
        self.answers: dict = copy.deepcopy(answers or {})
        self.earlier: dict = copy.deepcopy(earlier or {})
        self.history: list[str] = list(history or [])
        self.env = markdown_env([])
        self._when_templates: dict[str, Any] = {}
        self._forms: dict[tuple[int, str], LegalForm] = {}
        self.notices: list[str] = []  # problems shown after an answer that reopened other questions

    # -- which questions apply ------------------------------------------------------------
    def view(self, answers: dict | None = None) -> dict:
        answers = self.answers if answers is None else answers
        try:
            return deep_merge(layered_defaults(answers, self.catalog), answers)
        except CoopkitError:
            return answers

    def plan(self, answers: dict | None = None, *, single: bool = False) -> list[Step]:
        """The questions that apply to these answers, in order (`single`: with those that have one choice)."""
        answers = self.answers if answers is None else answers
        view = self.view(answers)
        steps: list[Step] = []
        for q in self.questions:
            if q.when and not self._when(q.when, view, q.key):
                continue
            if q.type == "founders":
                steps.extend(self._founder_steps(q, answers, view))
            else:
                step = self._step(q, q.key, q.key, q.type, q.help, view, answers)
                if step.kind == "choice" and len(step.choices) == 1 and not self.answered(step, answers) and not single:
                    continue  # one choice only (a single legal form, one official language): nothing to ask
                steps.append(step)
        return steps

    def _founder_steps(self, q: Question, answers: dict, view: dict) -> list[Step]:
        steps = [self._step(q, "founders", "founders", "count", q.help, view, answers)]
        founders = answers.get("founders")
        pair = _form(self.catalog, view)
        share_capital = pair[1].share_capital if pair else True
        for i, _founder in enumerate(founders if isinstance(founders, list) else []):
            for key, spec in q.item.items():
                if spec.get("when") == "share_capital" and not share_capital:
                    continue
                if spec.get("when") not in (None, "share_capital") and not self._when(spec["when"], view, key):
                    continue  # e.g. an address only where a filing prints the founders' addresses
                step = self._step(q, f"founders.{i}.{key}", f"founders.{key}", spec.get("type", "str"),
                                  spec.get("help", key), view, answers, item=spec, n=i + 1)
                if key == "member_class" and len(step.choices) <= 1:
                    continue
                steps.append(step)
        return steps

    def _when(self, expression: str, view: dict, key: str) -> bool:
        context = dict(view)
        for section in ("governance", "surplus", "sweat_equity", "capital", "platform"):
            base = model_default(section)
            context[section] = deep_merge(base.model_dump() if base is not MISSING else {}, view.get(section) or {})
        context.setdefault("coop_type", view.get("coop_type", "worker"))
        for name in Profile.model_fields:  # a question may name an answer not given yet
            context.setdefault(name, None)
        if expression not in self._when_templates:
            source = "{{ 'yes' if (" + expression + ") else '' }}"
            try:
                self._when_templates[expression] = self.env.from_string(source)
            except Exception as exc:
                raise DataError(f"templates/questions: question {key} when: {exc}") from None
        try:
            return self._when_templates[expression].render(context) == "yes"
        except Exception as exc:
            raise DataError(f"templates/questions: question {key} when: {exc}") from None

    def _localized(self, form: LegalForm) -> LegalForm:
        key = (id(form), self.language)
        if key not in self._forms:
            self._forms[key] = form.localized(self.language)
        return self._forms[key]

    def _step(self, q: Question, key: str, words_key: str, kind: str, help_text: str, view: dict, answers: dict,
              item: dict | None = None, n: int = 0) -> Step:
        spec = item or {}
        choices_spec = spec.get("choices") if item is not None else q.choices
        choices, alias_kind = self._choices(words_key, choices_spec, view)
        step = Step(key=key, kind=kind, group=q.group, group_title=self.words.group(q.group, q.group_title),
                    text=self.words.text(words_key, help_text, n=n), why=self.words.why(words_key),
                    law=self.law_for(words_key if key != "founders" else "founders", view), choices=choices,
                    alias_kind=alias_kind, words_key=words_key)
        step.default = self._default(step, q, spec if item is not None else None, view, answers)
        step.optional = step.default == "" or (item is not None and spec.get("default") == "")
        return step

    # -- words, choices, defaults, the law --------------------------------------------------
    def _choices(self, key: str, spec: Any, view: dict) -> tuple[list[tuple[str, str]], str]:
        w = self.words
        pair = _form(self.catalog, view)
        if isinstance(spec, list):
            values = [str(c) for c in spec]
            if key == "coop_type" and pair:
                values = [v for v in values if v in pair[1].coop_types] or values
            return [(v, w.choice(key, v) or v) for v in values], key
        if spec == "jurisdictions":
            return [(j, w.choice("jurisdictions", j) or self.catalog.jurisdiction(j).name)
                    for j in self.catalog.jurisdiction_ids], "jurisdictions"
        if spec == "sectors":
            return [(s, w.choice("sectors", s) or self.catalog.sector(s).name) for s in self.catalog.sector_ids], "sectors"
        if spec == "legal_forms" and pair:
            return [(f.id, self._localized(f).name) for f in pair[0].forms], "legal_forms"
        if spec == "document_languages" and pair:
            languages = pair[1].languages or pair[0].official_languages
            return [(lang, w.choice("languages", lang) or lang) for lang in languages], "languages"
        if spec == "handbook_languages":
            from ..handbook import languages as handbook_languages

            return [(lang, w.choice("languages", lang) or lang) for lang in handbook_languages(self.catalog)], "languages"
        if spec == "member_classes":
            classes = resolve(copy.deepcopy(view), self.catalog).get("member_classes") or [] \
                if view.get("sector") in self.catalog.sector_ids else []
            return [(c["id"], w.ui("member_class", label=c.get("label", c["id"]), description=c.get("description", "")))
                    for c in classes], "member_classes"
        return [], ""

    def _default(self, step: Step, q: Question, item: dict | None, view: dict, answers: dict) -> Any:
        default = self._proposed(step, q, item, view, answers)
        values = [value for value, _ in step.choices]
        if step.kind == "choice" and values and default not in values and default is not MISSING:
            return values[0]  # e.g. a sector's usual co-op type that this legal form does not allow
        return default

    def _proposed(self, step: Step, q: Question, item: dict | None, view: dict, answers: dict) -> Any:
        earlier = get_path(self.earlier, step.key, MISSING)
        if step.key == "founders":
            earlier_list = self.earlier.get("founders")
            if isinstance(earlier_list, list):
                return len(earlier_list)
            return self.min_founders(view) or 3
        if earlier is not MISSING and earlier is not None:
            return earlier
        if item is not None:
            if step.choices:
                return step.choices[0][0]
            if step.key.endswith(".shares"):
                return self._min_shares(view, answers, step.key)
            return item.get("default", MISSING)
        layered = get_path(view, q.key, MISSING)
        if layered is not MISSING and layered is not None:
            return layered
        if q.has_default:
            return q.default
        if q.key == "handbook_language" and step.choices:  # the documents' language, where the handbook has it
            from ..handbook import _match

            pair = _form(self.catalog, view)
            documents = view.get("language") or (pair[0].official_languages[0] if pair else "en")
            return _match(documents, tuple(v for v, _ in step.choices)) or "en"
        if step.choices and step.kind == "choice" and q.key in ("legal_form", "language", "coop_type"):
            return step.choices[0][0]
        default = model_default(q.key)
        return None if default is None and step.kind == "str" else default

    def _min_shares(self, view: dict, answers: dict, key: str) -> int:
        index = int(key.split(".")[1])
        founder = (answers.get("founders") or [{}])[index] if isinstance(answers.get("founders"), list) else {}
        try:
            classes = resolve(copy.deepcopy(view), self.catalog).get("member_classes") or []
        except CoopkitError:
            return 1
        wanted = founder.get("member_class") if isinstance(founder, dict) else None
        for c in classes:
            if c["id"] == wanted or wanted is None:
                return int(c.get("min_shares", 1))
        return 1

    def min_founders(self, view: dict | None = None) -> int | None:
        pair = _form(self.catalog, self.view() if view is None else view)
        if not pair:
            return None
        mins = [c.min for c in pair[1].checks if c.field == "founders_count" and c.min is not None]
        return int(max(mins)) if mins else None

    def law_for(self, key: str, view: dict | None = None) -> list[str]:
        """The law's limits on one answer, in words, each with its citation."""
        pair = _form(self.catalog, self.view() if view is None else view)
        if not pair:
            return []
        form = self._localized(pair[1])
        lines = []
        for check in form.checks:
            if _READS_AS.get(check.field, check.field) == key or (check.field.startswith("founders.") and
                                                                   check.field.replace(".*", "") == key):
                lines.append(f"{check.rule} ({check.cite}{'' if check.confirmed else '; to confirm with a lawyer'})")
        for rule in getattr(form, "rules", []) or []:
            if rule.field == key:
                lines.append(f"{rule.rule} ({rule.cite}{'' if rule.confirmed else '; to confirm with a lawyer'})")
        if key == "coop_type":
            lines.append(f"{form.name}: {', '.join(form.coop_types)} ({form.statute})")
        return lines

    # -- reading and checking an answer ------------------------------------------------------
    def parse(self, step: Step, text: str) -> Any:
        """The value of a typed answer; raises Refused with a message in the interview language."""
        w = self.words
        raw = text.strip()
        if raw == "":
            if step.optional:
                return None if step.key.endswith(".email") else ""
            if step.default is not MISSING and step.default is not None:
                return step.default
            raise Refused(w.ui("required"))
        if step.kind in ("int", "count"):
            try:
                return int(raw.replace(" ", ""))
            except ValueError:
                raise Refused(w.ui("not_a_number", example=step.default if step.default is not MISSING else 3)) from None
        if step.kind == "float":
            number = raw.rstrip("%").strip().replace(" ", "")
            if number.count(",") == 1 and "." not in number:
                number = number.replace(",", ".")
            try:
                value = float(number)
            except ValueError:
                raise Refused(w.ui("not_a_number", example=step.default if step.default is not MISSING else 10)) from None
            return int(value) if value.is_integer() else value
        if step.kind == "bool":
            folded = raw.casefold()
            if folded in w.words("yes_words"):
                return True
            if folded in w.words("no_words"):
                return False
            raise Refused(w.ui("not_yes_no"))
        if step.kind == "choice":
            return self._match(step, raw)
        return raw

    def _match(self, step: Step, raw: str) -> str:
        folded = raw.casefold()
        if folded.isdigit() and 1 <= int(folded) <= len(step.choices):
            return step.choices[int(folded) - 1][0]
        for value, label in step.choices:
            if folded in (value.casefold(), label.casefold()):
                return value
        aliases = self.words.aliases(step.alias_kind)
        values = [v for v, _ in step.choices]
        if aliases.get(folded) in values:
            return aliases[folded]
        starts = [v for v, label in step.choices if label.casefold().startswith(folded) or v.casefold().startswith(folded)]
        if len(starts) == 1:
            return starts[0]
        names = {label.casefold(): label for _, label in step.choices}
        names.update({v.casefold(): label for v, label in step.choices})
        names.update({a: dict(step.choices)[v] for a, v in aliases.items() if v in values})
        close = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.6)
        if close:
            raise Refused(self.words.ui("did_you_mean", value=raw, suggestion=names[close[0]]))
        raise Refused(self.words.ui("not_a_choice", value=raw))

    def answered(self, step: Step, answers: dict | None = None) -> bool:
        answers = self.answers if answers is None else answers
        if step.kind == "count":
            return isinstance(answers.get("founders"), list)
        return get_path(answers, step.key, MISSING) is not MISSING

    def known(self, path: str, answers: dict, plan: list[Step]) -> bool:
        """Whether every question behind `path` is answered (`founders.address`: every founder's)."""
        covering = [s for s in plan if _covers(path, s.key) or path.startswith(s.key + ".")]
        return all(self.answered(s, answers) for s in covering)

    def with_value(self, step: Step, value: Any, answers: dict | None = None) -> dict:
        """A copy of the answers with this step answered."""
        trial = copy.deepcopy(self.answers if answers is None else answers)
        if step.kind == "count":
            found = trial.get("founders")
            old: list = found if isinstance(found, list) else []
            pool = old + [f for f in (self.earlier.get("founders") or [])[len(old):] if isinstance(f, dict)]
            trial["founders"] = [copy.deepcopy(pool[i]) if i < len(pool) else {} for i in range(max(int(value), 0))]
            return trial
        if step.key == "jurisdiction" and trial.get("jurisdiction") not in (None, value):
            for key in ("legal_form", "language"):  # they belong to the jurisdiction left behind
                trial.pop(key, None)
        node: Any = trial
        parts = step.key.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        node[parts[-1]] = value
        return trial

    def problems(self, step: Step, trial: dict) -> list[Problem]:
        """Problems that answering `step` this way causes or reveals, as soon as they can be known."""
        return [problem for problem, _ in self._problems(step, trial)]

    def _problems(self, step: Step, trial: dict) -> list[tuple[Problem, set[str]]]:
        plan = self.plan(trial)
        found = []
        def known(path: str) -> bool:
            return path == step.key or path.startswith(step.key + ".") or self.known(path, trial, plan)

        for problem, reads in partial_problems(trial, self.catalog, known):
            field_ = problem.field
            mine = field_ == step.key or field_.startswith(step.key + ".") or any(_covers(r, step.key) for r in reads)
            covering = step.key.startswith(field_ + ".")
            others = {r for r in reads | {field_} if r != step.key}
            if step.kind == "count":
                others -= {"founders"}
            if (mine or covering) and all(self.known(o, trial, plan) for o in others if o != field_ or covering):
                found.append((problem, reads))
        return found

    def say(self, problem: Problem, plan: list[Step] | None = None) -> str:
        """A problem as the founders read it: the question's own words (1-based: "Founder 1's email")
        instead of the profile path (founders.0.email)."""
        for step in plan if plan is not None else self.plan(single=True):
            if step.key == problem.field:
                return str(Problem(step.text.rstrip("?: "), problem.message, problem.fix, problem.cite))
        return str(problem)

    def submit(self, step: Step, text: str) -> list[str]:
        """Read and check a typed answer; keep it and return [] if it holds, else the messages."""
        try:
            value = self.parse(step, text)
        except Refused as refused:
            return [str(refused)]
        trial = self.with_value(step, value)
        problems = self._problems(step, trial)
        siblings = self._siblings(step, problems)
        if problems and not siblings:
            return [self.say(p) for p, _ in problems]
        self.answers = trial
        self.history.append(step.key)
        for key in siblings:  # a rule on every founder's answer: ask those again, offering what was said
            self.forget(key)
        self.notices = [self.say(p) for p, _ in problems]
        self.imply()
        return []

    def _siblings(self, step: Step, problems: list[tuple[Problem, set[str]]]) -> list[str]:
        """For a rule on one answer of every list item (each founder's address), refused at the last
        item: the same question of the other items, to ask again (the fix may lie in any of them)."""
        if not problems or not re.fullmatch(r"founders\.\d+\.\w+", step.key):
            return []
        generic = re.sub(r"\.\d+\.", ".", step.key)
        if not all(generic in reads for _, reads in problems):
            return []
        return [s.key for s in self.plan() if s.key != step.key and _covers(generic, s.key) and self.answered(s)]

    def imply(self) -> None:
        """Settle questions with only one possible answer (the form's only co-op type or language)."""
        view = self.view()
        for step in self.plan(single=True):
            if step.kind == "choice" and len(step.choices) == 1 and not self.answered(step) and \
                    str(get_path(view, step.key)) != step.choices[0][0]:
                self.answers = self.with_value(step, step.choices[0][0])

    def pending(self) -> Step | None:
        return next((s for s in self.plan() if not self.answered(s)), None)

    def forget(self, key: str) -> None:
        """Unanswer one step, keeping its answer to offer again."""
        value = get_path(self.answers, key, MISSING)
        if value is MISSING:
            return
        _put(self.earlier, key, copy.deepcopy(value))
        parts = key.split(".")
        node: Any = self.answers
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, dict):
            node.pop(parts[-1], None)

    def back(self) -> bool:
        """Go back one question; False when there is none to go back to."""
        while self.history:
            key = self.history.pop()
            if get_path(self.answers, key, MISSING) is not MISSING:
                self.forget(key)
                return True
        return False

    def review(self) -> list[tuple[str, list[tuple[int, Step, str]]]]:
        """Every answered question, grouped and numbered, as the founders read it."""
        groups: dict[str, list[tuple[int, Step, str]]] = {}
        number = 0
        for step in self.plan():
            if not self.answered(step):
                continue
            number += 1
            value = get_path(self.answers, step.key, MISSING)
            groups.setdefault(step.group_title, []).append((number, step, step.shown(value, self.words)))
        return list(groups.items())

    def given_problems(self) -> list[Problem]:
        """Problems of answers given before any question (file, --set, resume): asked again."""
        plan = self.plan()
        return check_partial(self.answers, self.catalog, lambda p: self.known(p, self.answers, plan))

    def sample_founders(self) -> list[dict]:
        """Stand-in founders for a script's draft: as many as the law's minimum, one per voting class first."""
        view = self.view()
        count = self.min_founders(view) or 3
        try:
            classes = [c for c in resolve(copy.deepcopy(view), self.catalog).get("member_classes") or [] if c.get("voting", True)]
        except CoopkitError:
            classes = []
        founders = []
        for i in range(count):
            founder: dict[str, Any] = {"name": self.words.ui("sample_name", n=i + 1)}
            if classes:
                founder["member_class"] = classes[i % len(classes)]["id"]
            founders.append(founder)
        return founders


def _put(tree: dict, key: str, value: Any) -> None:
    """Set a dotted path, making the dicts and list items (founders.2.email) it needs."""
    parts = key.split(".")
    node: Any = tree
    for part, following in zip(parts[:-1], parts[1:], strict=False):
        if isinstance(node, list):
            index = int(part)
            node.extend({} for _ in range(index + 1 - len(node)))
            node = node[index]
        else:
            if not isinstance(node.get(part), (dict, list)):
                node[part] = [] if following.isdigit() else {}
            node = node[part]
    if isinstance(node, list):
        index = int(parts[-1])
        node.extend({} for _ in range(index + 1 - len(node)))
        node[index] = value
    else:
        node[parts[-1]] = value


def _covers(path: str, key: str) -> bool:
    """Whether the question `key` answers (part of) `path`: founders.address covers founders.2.address."""
    if key == path or key.startswith(path + "."):
        return True
    head, _, rest = path.partition(".")
    return bool(rest) and not rest.split(".")[0].isdigit() and re.fullmatch(
        rf"{re.escape(head)}\.\d+\.{re.escape(rest)}", key) is not None
