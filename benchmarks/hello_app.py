"""The baseline: a bare Quart app with one trivial route, /healthz (GET, and POST for the API benchmark)."""

from quart import Quart

app = Quart(__name__)


@app.route("/healthz", methods=["GET", "POST"])
async def healthz():
    return {"status": "ok"}
