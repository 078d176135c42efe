"""The Count tool, which is also the README's example of a complete tool."""

from __future__ import annotations

import re

from core.config import PROJECT_ROOT
from tools.count import count


def test_count_known_answers():
    # Hand-counted: "é" and "ö" are 2 bytes each in UTF-8.
    assert count("héllo wörld\nbye") == {"characters": 15, "words": 3, "lines": 2, "bytes": 17}
    assert count("") == {"characters": 0, "words": 0, "lines": 0, "bytes": 0}


async def test_count_api_and_page(tool_client):
    api = await tool_client.post("/api/count", json={"input": "a b\nc"})
    assert await api.get_json() == {"characters": 5, "words": 3, "lines": 2, "bytes": 5}
    page = await (await tool_client.get("/tools/count/?input=a+b")).get_data(as_text=True)
    assert "<dt>Words</dt><dd><code>2</code></dd>" in page
    assert (await tool_client.post("/api/count", json={"input": None})).status_code == 422


def test_readme_example_is_the_real_module():
    readme = (PROJECT_ROOT / "README.md").read_text()
    block = re.search(r"This is the whole of `tools/count.py`:\n\n```python\n(.*?)```", readme, re.S)
    assert block is not None
    assert block.group(1) == (PROJECT_ROOT / "tools" / "count.py").read_text()
