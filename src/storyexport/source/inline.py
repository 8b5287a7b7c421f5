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
# the tokens of inline formatting other than emphasis and strong, and the style each gives
STYLE_OF = {"s": "del", "sub": "sub", "sup": "sup", "html_sub": "sub", "html_sup": "sup", "html_mark": "mark",
            "html_small": "small", "html_kbd": "kbd", "html_q": "q"}


@dataclass
class _Style:
    emphasis: bool = False
    strong: bool = False
    href: str | None = None
    lang: str | None = None
    styles: frozenset[str] = frozenset()
    abbr: str | None = None


@dataclass(frozen=True)
class InlineHooks:
    """What reading inline content needs from the converter, each with the current line."""

    error: Report
    warn: Report
    note_label: Callable[[SyntaxTreeNode, int], str]
    image: Callable[[SyntaxTreeNode, int], Span | None]  # an image inside a sentence


class InlineReader:
    """Walks inline nodes, keeping the current line (each line break moves it on)."""

    def __init__(self, line: int, hooks: InlineHooks):
        self.line = line
        self.hooks = hooks
        self.spans: list[Span] = []

    def read(self, nodes: list[SyntaxTreeNode], style: _Style | None = None) -> Inline:
        for node in nodes:
            self._node(node, style or _Style())
        return merge(self.spans)

    def _add(self, text: str, style: _Style, **extra) -> None:
        self.spans.append(Span(text, style.emphasis, style.strong, href=style.href, lang=style.lang,
                               styles=style.styles, abbr=style.abbr, **extra))

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
            self._add("", style, note=self.hooks.note_label(node, self.line))
        elif kind == "image":
            if (image := self.hooks.image(node, self.line)) is not None:
                self.spans.append(replace(image, emphasis=style.emphasis, strong=style.strong, href=style.href,
                                          lang=style.lang, styles=style.styles, abbr=style.abbr))
        else:
            for child in node.children:
                self._node(child, self._restyle(node, style))

    def _restyle(self, node: SyntaxTreeNode, style: _Style) -> _Style:
        kind = node.type
        if kind == "em":
            return replace(style, emphasis=True)
        if kind == "strong":
            return replace(style, strong=True)
        if kind == "link":
            return replace(style, href=self._href(str(node.attrs.get("href", ""))))
        if kind in STYLE_OF:
            return replace(style, styles=style.styles | {STYLE_OF[kind]})
        if kind == "html_abbr":
            return replace(style, abbr=str(node.attrs.get("title", "")) or None)
        if kind in ("span", "html_span"):
            return self._span_style(node, style)
        return style

    def _span_style(self, node: SyntaxTreeNode, style: _Style) -> _Style:
        if "smallcaps" in str(node.attrs.get("class", "")).split():
            style = replace(style, styles=style.styles | {"smallcaps"})
        lang = node.attrs.get("lang")
        if lang is None:
            return style
        if problem := language_problem(str(lang)):
            self.hooks.error(self.line, problem)
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
            self.hooks.error(self.line, f"link target {href!r} is not allowed: {allowed}")
        else:
            self.hooks.warn(self.line, f"link target {href!r} is not a web address, so its text is kept "
                            f"without the link ({allowed}; other files are not published with the story)")
        return None


def merge(spans: list[Span]) -> Inline:
    """Adjacent spans with the same formatting joined into one."""
    merged: list[Span] = []
    for span in spans:
        previous = merged[-1] if merged else None
        if (previous and not span.note and not previous.note and not span.line_break and not span.image
                and not previous.line_break and not previous.image
                and replace(previous, text="") == replace(span, text="")):
            merged[-1] = replace(previous, text=previous.text + span.text)
        elif span.text or span.note or span.line_break or span.image:
            merged.append(span)
    return tuple(merged)
