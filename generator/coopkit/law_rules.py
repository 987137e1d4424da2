"""Cross-field rules: limits the law puts on several answers at once, kept as data.

A form's `rules:` in `jurisdiction.yml` hold expressions over the profile, e.g.

    - id: board-within-founders
      field: governance.board_size
      require: governance.board_size <= founders_count
      rule: every director to be a member, so no more directors than founders
      fix: Lower governance.board_size to the number of founders, or add founders
      cite: GenG § 9 Abs. 2
      breaks: {governance.board_size: 9}

The expressions are a small, safe language read with Python's `ast` and evaluated by walking the
tree (never `eval`): numbers, strings, names that are profile paths (`governance.quorum_percent`,
`founders_count`, `fact.min_capital`), `founders.member_class` for the list of one field of every
item, arithmetic, comparisons, `in`, `and`/`or`/`not`, and the functions in `FUNCTIONS`. The
format is documented in `legal/jurisdictions/README.md`.
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, field_validator

from .errors import Problem

if TYPE_CHECKING:  # imported for types only: catalog imports this module
    from .catalog import LegalForm
    from .model import Profile


def _distinct(items: Any) -> int:
    return len({str(i).casefold() for i in (items or [])})


def _text(value: Any) -> str:
    """A value as comparable text: case, spaces and punctuation at the ends do not count."""
    return " ".join(str(value or "").casefold().replace(",", " ").split()).strip(" .")


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": lambda items: len(items or []),
    "distinct": _distinct,  # how many different values: distinct(founders.member_class)
    "sum": lambda items: sum(items or []),
    "min": min,
    "max": max,
    "text": _text,  # normalised text, to compare an address with a region
    "blank": lambda value: not str(value or "").strip(),
    "all_given": lambda items: all(str(i or "").strip() for i in (items or [])),  # no blank in a list
}

_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


class RuleSyntaxError(ValueError):
    pass


def _dotted(node: ast.AST) -> str | None:
    """`governance.board_size` → "governance.board_size"; None if the node is not a plain path."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


@cache
def compile_expression(source: str) -> ast.Expression:
    """Parse and vet an expression: only the nodes this language has, only known functions."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise RuleSyntaxError(f"{source!r} is not a valid expression ({exc.msg})") from None
    allowed = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.BinOp,
               ast.Compare, ast.Name, ast.Attribute, ast.Constant, ast.Call, ast.List, ast.Tuple, ast.Load,
               *_COMPARE, *_ARITH)
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise RuleSyntaxError(f"{source!r}: {type(node).__name__} is not allowed in a rule")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
                                               and not node.keywords):
            raise RuleSyntaxError(f"{source!r}: only these functions may be called: {', '.join(FUNCTIONS)}")
        if isinstance(node, ast.Attribute) and (node.attr.startswith("_") or _dotted(node) is None):
            raise RuleSyntaxError(f"{source!r}: {ast.unparse(node)} is not a profile path")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise RuleSyntaxError(f"{source!r}: {node.id} is not a profile path")
    return tree


def names_in(source: str) -> list[str]:
    """The profile paths an expression reads, in order (for the message: what the values were)."""
    found: dict[str, None] = {}

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Call):
            for arg in node.args:
                visit(arg)
            return
        path = _dotted(node)
        if path is not None:
            found[path] = None
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(compile_expression(source))
    return list(found)


def lookup(values: dict, path: str) -> Any:
    """A dotted path in nested dicts; over a list, the field of every item (`founders.shares`)."""
    node: Any = values
    for key in path.split("."):
        if isinstance(node, list):
            node = [item.get(key) if isinstance(item, dict) else None for item in node]
        elif isinstance(node, dict):
            if key not in node:
                raise KeyError(path)
            node = node[key]
        else:
            raise KeyError(path)
    return node


def evaluate(source: str, values: dict) -> Any:
    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [walk(item) for item in node.elts]
        if isinstance(node, (ast.Name, ast.Attribute)):
            return lookup(values, _dotted(node) or "")
        if isinstance(node, ast.BoolOp):
            results = (walk(v) for v in node.values)
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.UnaryOp):
            operand = walk(node.operand)
            return (not operand) if isinstance(node.op, ast.Not) else -operand
        if isinstance(node, ast.BinOp):
            return _ARITH[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Compare):
            left = walk(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = walk(right_node)
                if not _COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id](*(walk(a) for a in node.args))  # type: ignore[attr-defined]
        raise RuleSyntaxError(f"{ast.dump(node)} is not allowed")  # compile_expression keeps this out

    return walk(compile_expression(source))


class Rule(BaseModel):
    """A limit the law puts on several answers: `require` must hold (when `when` holds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    field: str  # the answer the founders change to comply (named first in the message)
    require: str  # expression that must be true
    when: str = ""  # expression: the rule applies only when it is true
    rule: str  # the law in words: "every director to be a member"
    fix: str
    cite: str
    url: str = ""
    confirmed: bool = True
    draftable: bool = False  # --draft lets a profile through that breaks this one
    default: Any = None  # the value coopkit proposes for `field` when the founders give none
    default_from: str = ""  # or an expression for it over the answers: max(1, min(3, founders_count))
    breaks: dict[str, Any]  # answers that break the rule over a valid profile of the form: its test
    i18n: dict[str, dict[str, str]] = {}

    @field_validator("require", "when", "default_from")
    @classmethod
    def _expression(cls, value: str) -> str:
        if value.strip():
            try:
                compile_expression(value)
            except RuleSyntaxError as exc:
                raise ValueError(str(exc)) from None
        return value

    def localized(self, language: str | None) -> Rule:
        for key in ((language or "en"), (language or "en").split("-")[0]):
            if key in self.i18n:
                return self.model_copy(update=self.i18n[key])
        return self


def rule_values(profile: Profile, form: LegalForm) -> dict[str, Any]:
    """What a rule can name: the profile's fields, counts, the capital founders subscribe, the facts."""
    data = profile.model_dump(mode="json")
    prices = {c.id: c.share_price for c in profile.member_classes}
    data.update(
        founders_count=len(profile.founders),
        member_classes_count=len(profile.member_classes),
        voting_classes_count=sum(1 for c in profile.member_classes if c.voting),
        name_length=len(profile.name),
        subscribed_capital=sum(f.shares * prices.get(f.member_class, 0) for f in profile.founders),
        fact={k: f.value for k, f in form.facts.items()},
    )
    return data


_SAID = {  # how a computed value reads in a message
    "founders_count": "there are {} founders",
    "member_classes_count": "there are {} member classes",
    "voting_classes_count": "there are {} voting classes",
    "subscribed_capital": "the founders subscribe {} in shares",
}


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def _describe(rule: Rule, values: dict) -> str:
    """"is 5 while there are 3 founders": the field's value, then the other values the rule read."""
    parts = []
    for path in [rule.field, *[n for n in names_in(rule.require) if n != rule.field]]:
        try:
            value = lookup(values, path)
        except KeyError:
            continue
        if path == rule.field:
            parts.append(f"lists {len(value)}" if isinstance(value, list) and value and isinstance(value[0], dict)
                         else f"is {_shown(value)}")
        elif path.startswith("fact."):
            continue
        else:
            said = path + (" are {}" if isinstance(value, list) else " is {}")
            parts.append(_SAID.get(path, said).format(_shown(value)))
    return parts[0] + (" while " + " and ".join(parts[1:]) if len(parts) > 1 else "") if parts else "is not allowed"


def rule_problems(profile: Profile, form: LegalForm) -> list[Problem]:
    """Every cross-field rule of the form that the profile breaks, each with its statute."""
    values = rule_values(profile, form)
    problems = []
    for rule in form.rules:
        try:
            if rule.when.strip() and not evaluate(rule.when, values):
                continue
            holds = evaluate(rule.require, values)
        except (KeyError, TypeError, ZeroDivisionError) as exc:
            from .errors import DataError

            raise DataError(f"{form.id}: rule {rule.id!r} cannot be evaluated on this profile ({exc!r})") from None
        if holds:
            continue
        cite = rule.cite + ("" if rule.confirmed else "; UNCONFIRMED, confirm with a lawyer")
        problems.append(Problem(rule.field, f"{_describe(rule, values)}, but the law requires {rule.rule}",
                                rule.fix, cite, draftable=rule.draftable))
    return problems


def rule_defaults(form: LegalForm, answers: dict | None = None) -> dict[str, Any]:
    """Defaults the form's rules propose, as dotted paths (an AGM month inside the statute's window,
    a board no larger than the founders). `default_from` is read over the answers given so far, with
    `founders_count`; a default that cannot be computed yet is left out."""
    answers = answers or {}
    founders = answers.get("founders")
    values = {**answers, "founders_count": len(founders) if isinstance(founders, list) else 0}
    defaults: dict[str, Any] = {}
    for rule in form.rules:
        if rule.default_from.strip():
            try:
                defaults[rule.field] = evaluate(rule.default_from, values)
            except (KeyError, TypeError, ValueError):
                continue
        elif rule.default is not None:
            defaults[rule.field] = rule.default
    return defaults


__all__ = ["Rule", "rule_problems", "rule_defaults", "rule_values", "evaluate", "compile_expression", "names_in",
           "FUNCTIONS"]
