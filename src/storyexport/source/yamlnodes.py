"""YAML read node by node, so that every value keeps its file line for messages (front matter,
project configuration)."""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from ..errors import Problem
from .limits import LIST_ITEMS, too_long


def compose(path: Path, text: str, first_line: int, what: str) -> tuple[yaml.Node | None, Problem | None]:
    """The YAML's root node (None when empty), or the problem that makes it not YAML, with its line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc)
        return None, Problem(path, line, f"{what} is not valid YAML: {problem}")


class YamlReader:
    """Turns YAML nodes into values, recording a Problem (with its file line) for each bad one."""

    def __init__(self, path: Path, first_line: int, what: str = "front matter"):
        self.path = path
        self.first_line = first_line
        self.what = what  # how messages name the document: "front matter", "configuration"
        self.problems: list[Problem] = []

    def line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def error(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.path, self.line(node), message))

    def warn(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.path, self.line(node), message, "warning"))

    def text(self, node: yaml.Node, key: str) -> str | None:
        """A scalar taken as written: `lang: no` stays "no", not False; None when it is not text
        or is over its length limit (source/limits.py)."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"`{key}` must be text, not a {_kind(node)}")
            return None
        value = str(node.value).strip()
        if problem := too_long(key, value):
            self.error(node, problem)
            return None
        return value

    def texts(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode):
            value = self.text(node, key)
            return (value,) if value else ()
        if isinstance(node, yaml.SequenceNode):
            if len(node.value) > (limit := LIST_ITEMS.get(key, len(node.value))):
                self.error(node, f"`{key}` lists {len(node.value):,} values; it may have at most {limit:,}")
                return ()
            return tuple(v for item in node.value if (v := self.text(item, key)))
        self.error(node, f"`{key}` must be text or a list of texts")
        return ()

    def mapping(self, node: yaml.Node, key: str, known: tuple[str, ...]) -> dict[str, yaml.Node]:
        """A mapping's value nodes by key; a repeated key is an error, an unknown one a warning (pandoc
        files carry template variables; later versions add configuration keys): say so, go on."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"`{key}` must be a mapping (key: value lines), not a {_kind(node)}")
            return {}
        values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            if known and name not in known:
                self.warn(key_node, _unknown_key(name, key, known, self.what))
            elif name in values:
                self.error(key_node, f"`{name}` is given twice{' in `' + key + '`' if key else ''}")
            else:
                values[name] = value_node
        return values


def _kind(node: yaml.Node) -> str:
    return {yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}.get(type(node), "value")


def _unknown_key(name: str, parent: str, known: tuple[str, ...], what: str) -> str:
    where = f" in `{parent}`" if parent else ""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(known)
    return f"unknown {what} key `{name}`{where} is ignored; {hint}"
