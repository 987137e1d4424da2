"""Reading YAML files and strings with errors that say where and what to do."""
from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .errors import YamlFileError


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe loader, refusing a key given twice in one mapping (a common hand-editing slip)."""


class _FastUniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same with libyaml's parser when PyYAML has it (several times faster). libyaml refuses a little
    that PyYAML's own parser reads (JSON-style surrogate pairs such as "\\ud83d\\udeb2" for an emoji), so
    text it refuses is read again by `_UniqueKeyLoader`, whose answer (value or error) is the one given."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is given twice", key_node.start_mark
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


for _loader in (_UniqueKeyLoader, _FastUniqueKeyLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, where: str) -> Any:
    """Parse YAML text; a syntax error names `where`, the line and the column."""
    try:
        return yaml.load(text, Loader=_FastUniqueKeyLoader)
    except yaml.YAMLError:
        pass
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise YamlFileError(
            f"{where}{at}: {problem}. Fix the YAML there (check indentation, quotes and colons)."
        ) from None
    except yaml.YAMLError as exc:
        raise YamlFileError(f"{where}: not valid YAML ({exc}).") from None


def read_yaml_file(path: Path, *, want_mapping: bool = True) -> Any:
    """Read a YAML file a person wrote: refuse missing, binary, empty or non-mapping files clearly."""
    path = Path(path)
    if not path.exists():
        raise YamlFileError(f"{path}: no such file. Check the path.")
    if path.is_dir():
        raise YamlFileError(f"{path}: is a folder, not a YAML file.")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise YamlFileError(f"{path}: is a binary file, not YAML text. Give a .yml file such as coop.yml.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlFileError(
            f"{path}: is not UTF-8 text (byte {exc.start}). Save it as UTF-8 and try again."
        ) from None
    data = parse_yaml(text, str(path))
    if data is None:
        raise YamlFileError(f"{path}: is empty. It should hold the co-op's answers (see `coopkit schema`).")
    if want_mapping and not isinstance(data, dict):
        raise YamlFileError(
            f"{path}: should be a mapping of fields (name: ..., sector: ...), "
            f"but holds a {type(data).__name__}."
        )
    return data


def cached_read(path: Path, read: Callable[[Path], Any]) -> Any:
    """`read(path)`, once per process and version of the file (its modification time and size): a cohort,
    `check` and the handbook read the same data files for every document and co-op. Callers never change
    what they get."""
    stat = path.stat()
    return _cached_read(read, str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4096)
def _cached_read(read: Callable[[Path], Any], path: str, mtime_ns: int, size: int) -> Any:
    return read(Path(path))


def cached_yaml(path: Path) -> Any:
    """`read_yaml_file`, through `cached_read`."""
    return cached_read(path, read_yaml_file)
