"""The redirect baseline: a bare Quart app whose /s/<code> answers 302 with no database and no middleware."""

from quart import Quart, Response

app = Quart(__name__)


@app.get("/s/<code>")
async def follow(code: str):
    return Response("", status=302, headers={"Location": "https://example.com/page", "Cache-Control": "no-store"})
