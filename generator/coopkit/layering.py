"""Layering answers: sector < jurisdiction < legal form defaults < the founders' answers."""
from __future__ import annotations

from typing import Any

from .catalog import Catalog, _in_language
from .law_rules import rule_defaults


def set_path(data: dict, dotted: str, value: Any) -> None:
    """Set `a.b.c` in nested dicts (lists by index: founders.0.name)."""
    keys = dotted.split(".")
    node: Any = data
    for key in keys[:-1]:
        if isinstance(node, list):
            node = node[int(key)]
        else:
            node = node.setdefault(key, {})
            if node is None:
                raise KeyError(dotted)
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def get_path(data: Any, dotted: str, default: Any = None) -> Any:
    node = data
    for key in dotted.split("."):
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return default
    return node


def deep_merge(base: dict, top: dict) -> dict:
    """`top` over `base`, recursing into mappings; lists and scalars are replaced whole."""
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def expand_dotted(flat: dict[str, Any]) -> dict:
    nested: dict = {}
    for key, value in flat.items():
        set_path(nested, key, value)
    return nested


def layered_defaults(answers: dict, catalog: Catalog) -> dict:
    """Defaults for these answers: sector < jurisdiction and legal form (the question defaults
    live in the model). Needs `sector` and `jurisdiction` to be known; unknown ids raise UsageError."""
    layers: dict = {}
    sector = catalog.sector(answers["sector"]) if answers.get("sector") else None
    jurisdiction = catalog.jurisdiction(answers["jurisdiction"]) if answers.get("jurisdiction") else None
    if sector:
        layers = deep_merge(layers, expand_dotted(sector.defaults))
        layers.setdefault("coop_type", sector.default_coop_type)
    if jurisdiction:
        form = jurisdiction.form(answers.get("legal_form"))
        layers = deep_merge(
            layers,
            {"legal_form": form.id, "language": (form.languages or jurisdiction.official_languages)[0],
             "capital": {"currency": jurisdiction.currency}},
        )
        layers = deep_merge(layers, expand_dotted(form.defaults))
        layers = deep_merge(layers, expand_dotted(rule_defaults(form, answers)))  # computed from the law
    return layers


def resolve(answers: dict, catalog: Catalog) -> dict:
    """The answers with every default filled in, ready for validation."""
    data = deep_merge(layered_defaults(answers, catalog), answers)
    if not data.get("member_classes") and data.get("sector") in catalog.sector_ids:
        sector = catalog.sector(data["sector"])
        coop_type = data.get("coop_type") or sector.default_coop_type
        language = data.get("language")
        data["member_classes"] = [
            {**c.model_dump(exclude={"types", "labels", "descriptions", "i18n"}),
             "label": _in_language(c.labels, language) or c.label,
             "description": _in_language(c.descriptions, language) or c.description}
            for c in sector.classes_for(coop_type)
        ]
    classes = data.get("member_classes") or []
    if isinstance(classes, list) and classes and isinstance(classes[0], dict):
        first = classes[0].get("id")
        for founder in data.get("founders") or []:
            if isinstance(founder, dict):
                founder.setdefault("member_class", first)
    return data
