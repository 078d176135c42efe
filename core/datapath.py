"""Where a value sits in parsed data, written as people read it: users[2].name, site["google.com"]."""

from __future__ import annotations

import json
import re

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def data_path(parts: list[str | int]) -> str:
    """users[2].name, or site["google.com"] for keys that are not plain names; "" for the top level."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out
