"""markdown-it-py 4.3's list rule (MIT licence, (c) 2020 ExecutableBookProject) with pandoc's markers.

Vendored because the ordered-marker scanner sits inside `list_block` with no hook: every change
against `markdown_it/rules_block/list.py` is marked `# PANDOC`. Ordered lists take pandoc's
markers (list_markers.py); a list ends where the style or the delimiter changes; a marker other
than "1." / "1)" never interrupts a paragraph outside a list. `ordered_list_open` gets the attrs
`start` and `type` and the meta `style` and `delim`; `list_item_open.info` is the marker as written.
"""
# ruff: noqa  (kept as close to the upstream code as possible, so that it can be compared)
# fmt: off

from __future__ import annotations

import logging

from markdown_it.common.utils import isStrSpace
from markdown_it.rules_block.list import _detect_task_checkbox, markTightParagraphs, skipBulletListMarker
from markdown_it.rules_block.state_block import StateBlock

from .list_markers import TYPE_ATTR, pandoc_marker

LOGGER = logging.getLogger(__name__)


def list_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    LOGGER.debug("entering list: %s, %s, %s, %s", state, startLine, endLine, silent)

    isTerminatingParagraph = False
    tight = True

    if state.is_code_block(startLine):
        return False

    # Special case:
    #  - item 1
    #   - item 2
    #    - item 3
    #     - item 4
    #      - this one is a paragraph continuation
    if (
        state.listIndent >= 0
        and state.sCount[startLine] - state.listIndent >= 4
        and state.sCount[startLine] < state.blkIndent
    ):
        return False

    # limit conditions when list can interrupt
    # a paragraph (validation mode only)
    # Next list item should still terminate previous list item
    #
    # This code can fail if plugins use blkIndent as well as lists,
    # but I hope the spec gets fixed long before that happens.
    #
    if (
        silent
        and state.parentType == "paragraph"
        and state.sCount[startLine] >= state.blkIndent
    ):
        isTerminatingParagraph = True

    # Detect list type and position after marker
    found = pandoc_marker(state, startLine)  # PANDOC
    posAfterMarker = found.end if found else -1
    if posAfterMarker >= 0:
        isOrdered = True
        start = state.bMarks[startLine] + state.tShift[startLine]
        listStyle, listDelim, markerValue = found.style, found.delimiter, found.value  # PANDOC

        # If we're starting a new ordered list right after
        # a paragraph, it should start with 1.
        # PANDOC: inside a list item any marker may start a sublist under a paragraph (pandoc);
        # elsewhere only "1." / "1)" may interrupt a paragraph (CommonMark; pandoc: none may)
        if isTerminatingParagraph and state.listIndent < 0 and (markerValue != 1 or listStyle != "decimal"):
            return False
    else:
        posAfterMarker = skipBulletListMarker(state, startLine)
        if posAfterMarker >= 0:
            isOrdered = False
        else:
            return False

    # If we're starting a new unordered list right after
    # a paragraph, first line should not be empty.
    if (
        isTerminatingParagraph
        and state.skipSpaces(posAfterMarker) >= state.eMarks[startLine]
    ):
        return False

    # We should terminate list on style change. Remember first one to compare.
    markerChar = state.src[posAfterMarker - 1]
    if isOrdered:  # PANDOC: a list ends where style or delimiter changes
        markerChar = listDelim[-1]
        listKind = (listStyle, listDelim)

    # For validation mode we can terminate immediately
    if silent:
        return True

    # Start list
    listTokIdx = len(state.tokens)

    if isOrdered:
        token = state.push("ordered_list_open", "ol", 1)
        if markerValue != 1:
            token.attrs = {"start": markerValue}
        if TYPE_ATTR[listStyle]:  # PANDOC
            token.attrSet("type", TYPE_ATTR[listStyle])
        token.meta = {"style": listStyle, "delim": listDelim}

    else:
        token = state.push("bullet_list_open", "ul", 1)

    token.map = listLines = [startLine, 0]
    token.markup = markerChar

    #
    # Iterate list items
    #

    nextLine = startLine
    prevEmptyEnd = False
    terminatorRules = state.md.block.ruler.getRules("list")

    oldParentType = state.parentType
    state.parentType = "list"

    while nextLine < endLine:
        pos = posAfterMarker
        maximum = state.eMarks[nextLine]

        initial = offset = (
            state.sCount[nextLine]
            + posAfterMarker
            - (state.bMarks[startLine] + state.tShift[startLine])
        )

        while pos < maximum:
            ch = state.src[pos]

            if ch == "\t":
                offset += 4 - (offset + state.bsCount[nextLine]) % 4
            elif ch == " ":
                offset += 1
            else:
                break

            pos += 1

        contentStart = pos

        # trimming space in "-    \n  3" case, indent is 1 here
        indentAfterMarker = 1 if contentStart >= maximum else offset - initial

        # If we have more than 4 spaces, the indent is 1
        # (the rest is just indented code block)
        if indentAfterMarker > 4:
            indentAfterMarker = 1

        # "  -  test"
        #  ^^^^^ - calculating total length of this thing
        indent = initial + indentAfterMarker

        # Run subparser & write tokens
        token = state.push("list_item_open", "li", 1)
        token.markup = markerChar
        token.map = itemLines = [startLine, 0]
        if isOrdered:
            token.info = state.src[start : posAfterMarker].strip()  # PANDOC: the marker as written

        # change current state, then restore it after parser subcall
        oldTight = state.tight
        oldBMark = state.bMarks[startLine]
        oldTShift = state.tShift[startLine]
        oldSCount = state.sCount[startLine]

        #  - example list
        # ^ listIndent position will be here
        #   ^ blkIndent position will be here
        #
        oldListIndent = state.listIndent
        state.listIndent = state.blkIndent
        state.blkIndent = indent

        state.tight = True
        state.tShift[startLine] = contentStart - state.bMarks[startLine]
        state.sCount[startLine] = offset

        # Detect GFM task checkboxes only after setting the item's indentation,
        # so literal markers in indented code blocks are left untouched.
        checkboxLen = 0
        if (
            state.md.options.get("tasklists", False)
            and contentStart < maximum
            and not state.is_code_block(startLine)
        ):
            checked = _detect_task_checkbox(state.src, contentStart, maximum)
            if checked is not None:
                token.meta = {"checked": checked}
                # Advance content past the checkbox: `[x]` (3 chars) + whitespace.
                # `_detect_task_checkbox` already guarantees a whitespace char at
                # pos+3, so we always consume 4 characters.
                checkboxLen = 4

        # If we detected a checkbox, advance bMarks past it so that
        # getLines() doesn't include the checkbox text in the content.
        if checkboxLen:
            state.bMarks[startLine] = contentStart + checkboxLen
            state.tShift[startLine] = 0

        if contentStart >= maximum and state.isEmpty(startLine + 1):
            # workaround for this case
            # (list item is empty, list terminates before "foo"):
            # ~~~~~~~~
            #   -
            #
            #     foo
            # ~~~~~~~~
            state.line = min(state.line + 2, endLine)
        else:
            # NOTE in list.js this was:
            # state.md.block.tokenize(state, startLine, endLine, True)
            # but  tokeniz does not take the final parameter
            state.md.block.tokenize(state, startLine, endLine)

        # If any of list item is tight, mark list as tight
        if (not state.tight) or prevEmptyEnd:
            tight = False

        # Item become loose if finish with empty line,
        # but we should filter last element, because it means list finish
        prevEmptyEnd = (state.line - startLine) > 1 and state.isEmpty(state.line - 1)

        state.blkIndent = state.listIndent
        state.listIndent = oldListIndent
        if checkboxLen:
            state.bMarks[startLine] = oldBMark
        state.tShift[startLine] = oldTShift
        state.sCount[startLine] = oldSCount
        state.tight = oldTight

        token = state.push("list_item_close", "li", -1)
        token.markup = markerChar

        nextLine = startLine = state.line
        itemLines[1] = nextLine

        if nextLine >= endLine:
            break

        contentStart = state.bMarks[startLine]

        #
        # Try to check if list is terminated or continued.
        #
        if state.sCount[nextLine] < state.blkIndent:
            break

        if state.is_code_block(startLine):
            break

        # fail if terminating block found
        terminate = False
        for terminatorRule in terminatorRules:
            if terminatorRule(state, nextLine, endLine, True):
                terminate = True
                break

        if terminate:
            break

        # fail if list has another type
        if isOrdered:
            found = pandoc_marker(state, nextLine, listKind)  # PANDOC
            if found is None:
                break
            posAfterMarker = found.end
            start = state.bMarks[nextLine] + state.tShift[nextLine]
        else:
            posAfterMarker = skipBulletListMarker(state, nextLine)
            if posAfterMarker < 0:
                break

        if not isOrdered and markerChar != state.src[posAfterMarker - 1]:  # PANDOC
            break

    # Finalize list

    # If any direct list item has a task checkbox, add class to the list
    if state.md.options.get("tasklists", False):
        containsTask = False
        level = state.tokens[listTokIdx].level
        for j in range(listTokIdx + 1, len(state.tokens)):
            tok = state.tokens[j]
            if (
                tok.level == level + 1
                and tok.type == "list_item_open"
                and tok.meta
                and "checked" in tok.meta
            ):
                tok.attrJoin("class", "task-list-item")
                containsTask = True
        if containsTask:
            state.tokens[listTokIdx].attrJoin("class", "contains-task-list")

    if isOrdered:
        token = state.push("ordered_list_close", "ol", -1)
    else:
        token = state.push("bullet_list_close", "ul", -1)

    token.markup = markerChar

    listLines[1] = nextLine
    state.line = nextLine

    state.parentType = oldParentType

    # mark paragraphs tight if needed
    if tight:
        markTightParagraphs(state, listTokIdx)

    return True
