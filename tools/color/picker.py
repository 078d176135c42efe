"""The page's native colour picker (<input type="color">) as an alternative to the text field."""

from __future__ import annotations

import re

from pydantic import BaseModel, ValidationError
from quart import request

from core.forms import FormInput, field_errors, read_form

# What <input type="color"> sends (HTML, "valid simple colour"): # and six hex digits, lowercase.
PICKER_VALUE = re.compile(r"#[0-9a-fA-F]{6}")
PICKER_ERROR = "picker: a colour picker sends # and six hex digits, e.g. #ff8000"


def chosen_input(text: str, picker: str | None, shown: str | None) -> str:
    """The colour the form asks for: the picker's when it was moved (it differs from what the page showed), else
    the text. Without JavaScript both fields are sent; `shown` tells which one the person changed."""
    if picker and picker.lower() != (shown or "").lower():
        return picker.lower()
    return text


def picker_value(hex_colour: str | None) -> str:
    """The picker's value for a result's hex (#rrggbb or #rrggbbaa: the alpha is dropped), black when none."""
    return hex_colour[:7] if hex_colour and PICKER_VALUE.fullmatch(hex_colour[:7]) else "#000000"


async def read_picker_form(model: type[BaseModel]) -> FormInput:
    """The tool's form, with `input` taken from the picker when the picker was moved."""
    form = await read_form(model)
    form = form._replace(fields=(*form.fields, "picker"))
    source = request.args if request.method == "GET" else await request.form
    picker = source.get("picker")
    if picker is None:
        return form
    if not PICKER_VALUE.fullmatch(picker):
        return form._replace(data=None, errors={**form.errors, "picker": PICKER_ERROR})
    text = form.values.get("input", "")
    chosen = chosen_input(text, picker, source.get("picker_shown"))
    if chosen == text:
        return form
    values = {**form.values, "input": chosen}
    try:
        return form._replace(data=model.model_validate(values), values=values, errors={})
    except ValidationError as exc:
        return form._replace(data=None, values=values, errors=field_errors(exc))
