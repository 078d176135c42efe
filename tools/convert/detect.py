"""Detect the format of a text by trying the readers in a short, fixed order chosen from its first character."""

from __future__ import annotations

from core.forms import ToolInputError
from tools.convert.readers import read
from tools.convert.writers import NAMES

# Every text that is not XML tries at most these four readers, each bounded like a chosen format.
GENERAL_ORDER = ("json", "toml", "yaml", "csv")


def candidates(text: str) -> tuple[str, ...]:
    """The formats worth trying for this text, most likely first."""
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "<":
        return ("xml",)  # no other format starts with a tag
    if start == "{":
        return ("json", "yaml")  # a JSON object, or a YAML flow mapping
    if start == "[":
        return ("json", "toml", "yaml")  # a JSON array, a TOML [table], or a YAML flow sequence
    return GENERAL_ORDER


def plausible(name: str, text: str, value: object) -> bool:
    """Whether a successful read is also a likely one: almost any text is a YAML string or a one-column CSV."""
    if name == "yaml":
        return isinstance(value, dict | list)
    if name == "csv":
        first_line = text.lstrip("\ufeff").split("\n", 1)[0]
        return "," in first_line and bool(value)  # a header of two columns or more, and a row
    return True


def detect(text: str) -> tuple[str, object, list[str]]:
    """(the format, the data read, notes) for text of an unknown format; ToolInputError when none reads it."""
    if not text.strip():
        raise ToolInputError("Enter some data: its format is detected from it.")
    failures: dict[str, str] = {}
    fallback = None
    for name in candidates(text):
        try:
            value, notes = read(text, name)
        except ToolInputError as exc:
            failures[name] = exc.message
            continue
        if plausible(name, text, value):
            return name, value, [detected_note(name, failures, text), *notes]
        if fallback is None and name == "yaml":
            fallback = (name, value, notes)
    if fallback is not None:  # a lone value (a YAML scalar such as a word): still data, said as such
        name, value, notes = fallback
        return name, value, [detected_note(name, failures, text) + " It holds a single value.", *notes]
    tried = "; ".join(f"as {NAMES[name]}: {message.rstrip('.')}" for name, message in failures.items())
    raise ToolInputError(f"The format could not be detected ({tried}). Choose it under From to see why.")


def detected_note(name: str, failures: dict[str, str], text: str) -> str:
    note = f"Detected {NAMES[name]}."
    began_like_json = text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")
    if began_like_json and name == "yaml" and "json" in failures:  # likely meant as JSON: say why it is not
        note += f" It is not JSON ({failures['json'].rstrip('.')}), so it was read as {NAMES[name]}."
    return note
