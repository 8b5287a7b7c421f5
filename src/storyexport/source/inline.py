"""Inline Markdown (a syntax tree's children) to a flat tuple of Spans."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from markdown_it.tree import SyntaxTreeNode

from ..model import Inline, Span
from ..text.languages import language_problem
from .limits import too_long

LINK_SCHEMES = re.compile(r"^(https?://|mailto:|tel:|#)", re.IGNORECASE)
Report = Callable[[int, str], None]  # (line, message)


@dataclass
class _Style:
    emphasis: bool = False
    strong: bool = False
    href: str | None = None
    lang: str | None = None


class InlineReader:
    """Walks inline nodes, keeping the current line (each line break moves it on)."""

    def __init__(self, line: int, report: Report, note_label: Callable[[SyntaxTreeNode, int], str]):
        self.line = line
        self.report = report
        self.note_label = note_label
        self.spans: list[Span] = []

    def read(self, nodes: list[SyntaxTreeNode], style: _Style | None = None) -> Inline:
        for node in nodes:
            self._node(node, style or _Style())
        return merge(self.spans)

    def _add(self, text: str, style: _Style, **extra) -> None:
        self.spans.append(Span(text, style.emphasis, style.strong, href=style.href, lang=style.lang,
                               **extra))

    def _node(self, node: SyntaxTreeNode, style: _Style) -> None:
        kind = node.type
        if kind in ("text", "text_special", "html_inline"):
            self._add(node.content, style)
        elif kind == "softbreak":
            self._add(" ", style)
            self.line += 1
        elif kind == "hardbreak":
            self._add("\n", style, line_break=True)
            self.line += 1
        elif kind == "code_inline":
            self._add(node.content, style, code=True)
        elif kind == "footnote_ref":
            self._add("", style, note=self.note_label(node, self.line))
        elif kind == "image":
            self.report(self.line, "an image must stand alone in its own paragraph (it becomes a "
                        "figure with its caption); put a blank line before and after it")
        elif kind in ("em", "strong", "link", "span"):
            for child in node.children:
                self._node(child, self._restyle(node, style))
        else:
            for child in node.children:
                self._node(child, style)

    def _restyle(self, node: SyntaxTreeNode, style: _Style) -> _Style:
        if node.type == "em":
            return replace(style, emphasis=True)
        if node.type == "strong":
            return replace(style, strong=True)
        if node.type == "link":
            return replace(style, href=self._href(str(node.attrs.get("href", ""))))
        lang = node.attrs.get("lang")
        if lang is None:
            return style
        if problem := language_problem(str(lang)):
            self.report(self.line, problem)
            return style
        return replace(style, lang=str(lang))

    def _href(self, href: str) -> str | None:
        if problem := too_long("link", href, "the link target"):
            self.report(self.line, problem)
            return None
        if LINK_SCHEMES.match(href):
            return href
        allowed = "links must start with https://, http://, mailto:, tel: or #"
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href):
            self.report(self.line, f"link target {href!r} is not allowed: {allowed}")
        else:
            self.report(self.line, f"link target {href!r} is not a web address: {allowed} (other files "
                        "are not published with the story)")
        return None


def merge(spans: list[Span]) -> Inline:
    """Adjacent spans with the same formatting joined into one."""
    merged: list[Span] = []
    for span in spans:
        previous = merged[-1] if merged else None
        if (previous and not span.note and not previous.note and not span.line_break
                and not previous.line_break and replace(previous, text="") == replace(span, text="")):
            merged[-1] = replace(previous, text=previous.text + span.text)
        elif span.text or span.note or span.line_break:
            merged.append(span)
    return tuple(merged)
