"""Estimate how far the `regex` engine unrolls counted repeats when it compiles a pattern."""

from __future__ import annotations

import re

_COUNTED_REPEAT = re.compile(r"\{(\d*)(?:,(\d*))?\}")
# After "(?": the forms that open a group, and the ones that are complete items (inline flags, references).
_GROUP_HEAD = re.compile(r"\?(?:P?<[A-Za-z_]\w*>|P?'[A-Za-z_]\w*'|<[=!]|[:=!>|]|[a-zA-Z^-]+:)")
_ITEM_HEAD = re.compile(r"\?(?:P=\w+|&\w+|[a-zA-Z^-]*|R|[+-]?\d+)\)")
_INLINE_FLAGS = re.compile(r"\?[a-zA-Z^-]*\)")
_CAPPED_SIZE = 10**12


def _skip_escape(pattern: str, i: int) -> int:
    """Index after the escape at pattern[i] ('\\')."""
    if i + 2 < len(pattern) and pattern[i + 1] in "pPNxuUgkL" and pattern[i + 2] in "{<":
        closer = "}" if pattern[i + 2] == "{" else ">"
        end = pattern.find(closer, i + 3)
        return len(pattern) if end == -1 else end + 1
    return i + 2


def _skip_class(pattern: str, i: int) -> int:
    """Index after the character class that starts at pattern[i] ('[')."""
    i += 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a ']' first in the class is a literal
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
        elif pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            i = i + 1 if end == -1 else end + 2
        elif pattern[i] == "]":
            return i + 1
        else:
            i += 1
    return i


def _estimate(pattern: str, verbose: bool) -> int:
    stack = [[0, 0]]  # per open group: [size so far, size of the last item (what a quantifier repeats)]
    i, n = 0, len(pattern)
    after_quantifier = False
    while i < n:
        frame, ch, atom = stack[-1], pattern[i], 1
        quantified = False
        if verbose and ch == "#":
            end = pattern.find("\n", i)
            i, atom = (n if end == -1 else end + 1), 0
        elif verbose and ch.isspace():
            i, atom = i + 1, 0
        elif ch == "\\":
            i = _skip_escape(pattern, i)
        elif ch == "[":
            i = _skip_class(pattern, i)
        elif ch == "(":
            if pattern.startswith("(?#", i):
                end = pattern.find(")", i)
                i, atom = (n if end == -1 else end + 1), 0
            elif item := _ITEM_HEAD.match(pattern, i + 1):
                i = item.end()  # inline flags (no item) or a back-reference (one item), not a group
                atom = 0 if _INLINE_FLAGS.fullmatch(item.group()) else 1
            else:
                head = _GROUP_HEAD.match(pattern, i + 1)
                i = head.end() if head else i + 1
                stack.append([0, 0])
                continue
        elif ch == ")":
            i += 1
            if len(stack) > 1:
                atom = stack.pop()[0]
                frame = stack[-1]
        elif ch == "|":
            i, atom = i + 1, 0
            frame[1] = 0
            after_quantifier = False
            continue
        elif ch in "*+?":
            i, atom, quantified = i + 1, 0, True
        elif ch == "{" and (repeat := _COUNTED_REPEAT.match(pattern, i)) and any(repeat.groups()):
            i, atom, quantified = repeat.end(), 0, True
            if not after_quantifier:  # a repeat of a repeat is a syntax error the engine reports itself
                copies = max(int(repeat.group(1) or 0), 1)
                frame[0] = min(frame[0] + frame[1] * (copies - 1), _CAPPED_SIZE)
                frame[1] = min(frame[1] * copies, _CAPPED_SIZE)
        else:
            i += 1
        after_quantifier = quantified
        if atom:
            frame[0] = min(frame[0] + atom, _CAPPED_SIZE)
            frame[1] = atom
    while len(stack) > 1:  # unbalanced: the engine will say so; count what was seen
        size = stack.pop()[0]
        stack[-1][0] += size
    return stack[0][0]


def unrolled_size(pattern: str) -> int:
    """About how many items the pattern holds once counted repeats are unrolled: (?:ab){3} counts 6.

    The `regex` engine copies the body of a repeat with a minimum count ({m} or {m,n}) m times when it
    compiles the pattern, so (?:a{1000}){1000} takes seconds and hundreds of megabytes before any
    timeout applies. The estimate errs on the high side; it is the larger of the readings with and
    without VERBOSE, because inline flags such as (?x) can switch that mode on.
    """
    return max(_estimate(pattern, verbose=False), _estimate(pattern, verbose=True))
