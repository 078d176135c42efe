"""The cold-start baseline: a bare Quart app with the same /healthz path and no database."""

from quart import Quart

app = Quart(__name__)


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}
