"""Output caps that hold while a result is produced: writers that refuse to grow past the cap."""

from __future__ import annotations

import io
from collections.abc import Iterable

DEFAULT_OUTPUT_CAP = 16 * 2**20
_cap = DEFAULT_OUTPUT_CAP


class OutputTooLarge(BaseException):
    """A result crossed the output cap while it was being produced.

    A BaseException, like KeyboardInterrupt: the work it stops often catches ValueError or Exception
    around what it writes, and must not swallow the cap. The bounded executor turns it into a 422.
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        super().__init__(f"the result would be larger than the output limit of {cap:,} bytes")


def set_output_cap(cap: int) -> None:
    """The cap for work in this process (the bounded executor's child sets it from its limits)."""
    global _cap
    _cap = cap


def output_cap() -> int:
    return _cap


class CappedWriter(io.StringIO):
    """A StringIO for json.dump / yaml.dump that raises OutputTooLarge as soon as it holds more than `cap`
    characters (a character is at least one byte of the UTF-8 result, so the byte cap is never exceeded
    by more than the characters' extra bytes; callers check the encoded size at the end)."""

    def __init__(self, cap: int | None = None) -> None:
        super().__init__()
        self.cap = output_cap() if cap is None else cap
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        if self.size > self.cap:
            raise OutputTooLarge(self.cap)
        return super().write(text)


def join_capped(chunks: Iterable[str], cap: int | None = None) -> str:
    """ "".join(chunks), raising OutputTooLarge as soon as the text grows past the cap."""
    cap = output_cap() if cap is None else cap
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > cap:
            raise OutputTooLarge(cap)
        parts.append(chunk)
    return "".join(parts)


def check_size(text: str, cap: int | None = None) -> str:
    """`text` when its UTF-8 form fits the cap; OutputTooLarge otherwise."""
    cap = output_cap() if cap is None else cap
    if len(text) > cap or len(text.encode("utf-8", "surrogatepass")) > cap:
        raise OutputTooLarge(cap)
    return text
