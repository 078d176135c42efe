"""URL converters for ids and keys in paths: a value the database could not hold never reaches a query."""

from __future__ import annotations

from quart import Quart
from werkzeug.routing import BaseConverter, IntegerConverter

from core.forms import MAX_DB_INTEGER


class RowIdConverter(IntegerConverter):
    """`<id:name>`: a row id; one past the database's INTEGER becomes 0, which no row has (ids start at 1).

    Refusing it in the converter instead would make werkzeug answer 405 (not 404) for PUT and DELETE,
    because another method's rule for the same path matched first.
    """

    regex = r"\d{1,20}"  # longer digit strings are no id (and past 4300 digits int() refuses them)

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_DB_INTEGER else 0


class KeyConverter(BaseConverter):
    """`<key:name>`: a public key (short-link code, paste or bin id): letters, digits, - and _ only."""

    regex = r"[A-Za-z0-9_-]{1,100}"


def install_converters(app: Quart) -> None:
    """Register before any blueprint: rules look their converters up when they are added."""
    app.url_map.converters.update(id=RowIdConverter, key=KeyConverter)
