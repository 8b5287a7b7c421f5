"""Raw HTML in the Markdown: a small safe inline subset kept (nh3 decides), the rest dropped.

The parser reads HTML (html=True); this core rule (after "inline") rewrites every html_inline token:
an allowed tag becomes `html_<tag>_open` / `html_<tag>_close` tokens with the attributes nh3
keeps, so the syntax tree nests them like Markdown formatting; `<br>` becomes a hard break; any
other tag is dropped and its text kept (a script's or a style's text is dropped too). An
html_block becomes a paragraph whose text is read as Markdown. Nothing raw ever reaches an output:
the renderer writes its own markup. Every drop is recorded in env["html_dropped"] as
(0-based line, what, why), for warnings that name the line.
"""
from __future__ import annotations

from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ...text.languages import language_problem

ALLOWED: dict[str, set[str]] = {  # tag -> the attributes it may keep
    "br": set(), "sub": set(), "sup": set(), "abbr": {"title"}, "span": {"lang"},
    "mark": set(), "small": set(), "kbd": set(), "q": set()}
DROP_CONTENT = {"script", "style"}
KEPT = ", ".join(f"<{tag}>" for tag in ALLOWED)
NOT_KEPT = f"storyexport keeps only {KEPT}; its text is kept (write the rest in Markdown)"
NOT_KEPT_WITH_CONTENT = f"storyexport keeps only {KEPT}; dropped with its content"
ATTRIBUTE_NOT_KEPT = "this attribute (or its value) is not kept; the <{name}> element is"
OVERLAP = "it overlaps Markdown formatting (close it inside the same *emphasis* or [link]); its text is kept"


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "lang" and language_problem(value):
        return None  # nh3 then drops it; we see it as a dropped attribute
    return value


CLEANER = nh3.Cleaner(tags=set(ALLOWED), attributes={**ALLOWED, "*": set()},  # "*": no lang/title on every tag
                      clean_content_tags=DROP_CONTENT, attribute_filter=_attribute_filter,
                      strip_comments=True, link_rel=None, url_schemes=set())


class _Tag(HTMLParser):
    """The first tag of a fragment: (name, attrs, kind) with kind start|end|startend|comment|None."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.found: tuple[str, dict[str, str | None], str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found = self.found or (tag, dict(attrs), "start")

    def handle_startendtag(self, tag, attrs):
        self.found = self.found or (tag, dict(attrs), "startend")

    def handle_endtag(self, tag):
        self.found = self.found or (tag, {}, "end")

    def handle_comment(self, data):
        self.found = self.found or ("!--", {}, "comment")


def filter_inline(children: list[Token], first_line: int, dropped: list) -> list[Token]:
    out: list[Token] = []
    open_stack: list[tuple[str, int]] = []  # (token type, index in out) of every open token (html_* ours)
    skip_until: str | None = None  # inside <script>/<style>: drop everything up to its end tag
    line = first_line
    for token in children:
        if token.type in ("softbreak", "hardbreak"):
            line += 1
        if skip_until:
            if token.type == "html_inline" and (_Tag(token.content).found or ("", {}, ""))[:3:2] == (skip_until, "end"):
                skip_until = None
            continue
        if token.type != "html_inline":
            if token.nesting == 1:
                open_stack.append((token.type, len(out)))
            elif token.nesting == -1:  # a Markdown close (em, link...): html tags opened inside it
                while open_stack and open_stack[-1][0].startswith("html_"):  # and still open overlap it
                    name, index = open_stack.pop()
                    dropped.append((line, f"<{name[5:]}>", OVERLAP))
                    out[index] = Token("text", "", 0, content="")
                if open_stack:
                    open_stack.pop()
            out.append(token)
            continue
        name, attrs, kind = _Tag(token.content).found or ("?", {}, "text")
        if kind == "comment":
            continue  # comments vanish silently (pandoc keeps them, invisible anyway)
        if name not in ALLOWED:
            if kind != "end":  # report each element once, at its opening tag
                dropped.append((line, f"<{name}>", NOT_KEPT_WITH_CONTENT if name in DROP_CONTENT else NOT_KEPT))
            if name in DROP_CONTENT and kind == "start":
                skip_until = name
            continue
        if kind == "end":
            if open_stack and open_stack[-1][0] == f"html_{name}":
                open_stack.pop()
                out.append(Token(f"html_{name}_close", name, -1))
            elif any(entry[0] == f"html_{name}" for entry in open_stack):  # Markdown opened inside
                index = next(i for t, i in reversed(open_stack) if t == f"html_{name}")
                open_stack.remove((f"html_{name}", index))
                dropped.append((line, f"<{name}>", OVERLAP))
                out[index] = Token("text", "", 0, content="")
            else:
                dropped.append((line, f"</{name}>", "a closing tag without its opening tag"))
            continue
        cleaned = _Tag(CLEANER.clean(token.content)).found
        kept = cleaned[1] if cleaned else {}
        for attr in sorted(set(attrs) - set(kept)):
            dropped.append((line, f"<{name} {attr}>", ATTRIBUTE_NOT_KEPT.format(name=name, attr=attr)))
        if name == "br":
            out.append(Token("hardbreak", "br", 0))  # same as a Markdown hard line break
            continue
        opening = Token(f"html_{name}_open", name, 1, attrs={k: v or "" for k, v in kept.items()})
        open_stack.append((f"html_{name}", len(out)))
        out.append(opening)
    for name, index in reversed(open_stack):  # never closed: unwrap (drop the opening token)
        if name.startswith("html_"):
            dropped.append((line, f"<{name[5:]}>", "it is never closed; its text is kept"))
            out[index] = Token("text", "", 0, content="")
    return out


def html_subset(state: StateCore) -> None:
    dropped = state.env.setdefault("html_dropped", [])
    tokens: list[Token] = []
    for token in state.tokens:
        if token.type == "html_block":
            text = token.content.strip()
            found = _Tag(text).found
            if found and found[2] == "comment" and text.endswith("-->"):
                continue  # a comment block: drop silently
            inline = Token("inline", "", 0, content=text, map=token.map, children=[])
            state.md.inline.parse(text, state.md, state.env, inline.children)
            tokens += [Token("paragraph_open", "p", 1, map=token.map), inline,
                       Token("paragraph_close", "p", -1)]
            token = inline
        else:
            tokens.append(token)
        if token.type == "inline" and token.children:
            token.children = filter_inline(token.children, token.map[0] if token.map else 0, dropped)
    state.tokens = tokens


def raw_html_plugin(md: MarkdownIt) -> None:
    md.options["html"] = True
    md.core.ruler.after("inline", "html_subset", html_subset)
