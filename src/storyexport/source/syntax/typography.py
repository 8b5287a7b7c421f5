"""Smart typography as pandoc's `smart` extension does it: curly quotes, -- and --- dashes, ... ellipses.

markdown-it's `smartquotes` rule curls quotes with the parser's `quotes` option (one parser per
set of quotation marks, since options belong to the instance); its `replacements` rule is not
used, because it also turns (c) into © and collapses "!!!!", which pandoc never does. Quotes the
author typed as curly or as «» are left as they are. Text the core rules never see (image alt
text, inline footnotes, attribute values, front matter) goes through `smarten_tokens` or
`smart_text`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.smartquotes import smartquotes
from markdown_it.token import Token

EM_DASH, EN_DASH, ELLIPSIS = re.compile(r"---"), re.compile(r"--"), re.compile(r"\.\.\.")


def dashes_and_ellipses(text: str) -> str:
    """pandoc: --- is an em dash and -- an en dash anywhere ("a---b" too); ... an ellipsis."""
    return ELLIPSIS.sub("\u2026", EN_DASH.sub("\u2013", EM_DASH.sub("\u2014", text)))


def _replace_in(children: list[Token]) -> None:
    inside_autolink = 0
    for token in children:
        if token.type == "link_open" and token.info == "auto":
            inside_autolink += 1
        elif token.type == "link_close" and token.info == "auto":
            inside_autolink -= 1
        elif token.type == "text" and not inside_autolink:
            token.content = dashes_and_ellipses(token.content)


def pandoc_replacements(state: StateCore) -> None:
    """Core rule: dashes and ellipses in every inline text token (code spans are other tokens)."""
    for block in state.tokens:
        if block.type == "inline" and block.children:
            _replace_in(block.children)


def typography_plugin(md: MarkdownIt, quotes: tuple[str, str, str, str]) -> None:
    md.options["typographer"] = True
    md.options["quotes"] = list(quotes)
    md.enable("smartquotes")
    md.core.ruler.before("smartquotes", "pandoc_replacements", pandoc_replacements)


def smarten_tokens(md: MarkdownIt, children: list[Token], env: dict) -> None:
    """The same typography on inline tokens the core rules do not reach (alt text, inline notes)."""
    state = StateCore("", md, env)
    content = "".join(t.content for t in children if t.type == "text")  # smartquotes skips quote-less content
    state.tokens = [Token("inline", "", 0, content=content, children=children)]
    _replace_in(children)
    smartquotes(state)


@lru_cache(maxsize=256)
def _smart_text(text: str, quotes: tuple[str, str, str, str]) -> str:
    md = MarkdownIt("zero", {"typographer": True, "quotes": list(quotes)})
    token = Token("text", "", 0, content=text)
    smarten_tokens(md, [token], {})
    return token.content


def smart_text(text: str, quotes: tuple[str, str, str, str]) -> str:
    """Plain text (a title, a caption attribute) with curly quotes, dashes and ellipses."""
    return _smart_text(text, quotes) if text else text
