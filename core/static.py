"""Page weight: content-hashed static URLs cached for a year (gzip is core.compression)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from quart import Quart, current_app, request
from werkzeug.security import safe_join

from core.template_urls import cached_url_for

VERSIONS_KEY = "mytools.static_versions"
IMMUTABLE = "public, max-age=31536000, immutable"


def static_version(app: Quart, filename: str) -> str | None:
    """The first 10 hex digits of the file's SHA-256, read once per file per app (process)."""
    versions: dict[str, str | None] = app.extensions.setdefault(VERSIONS_KEY, {})
    if filename not in versions:
        path = safe_join(str(app.static_folder), filename)
        try:
            versions[filename] = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10] if path else None
        except OSError:
            versions[filename] = None
    return versions[filename]


def add_static_version(endpoint: str, values: dict) -> None:
    """url_for('static', filename=…) gains ?v=<hash>: a changed file gets a new URL."""
    if endpoint == "static" and "v" not in values and "filename" in values:
        version = static_version(current_app, values["filename"])
        if version:
            values["v"] = version


def static_url(filename: str) -> str:
    """Template helper: the versioned URL of a static file."""
    return cached_url_for("static", filename=filename)


async def cache_static_files(response):
    """A versioned URL never changes its content: let browsers keep it a year without asking."""
    if request.endpoint != "static" or response.status_code not in (200, 206, 304):
        return response
    version = request.args.get("v")
    if version is None:
        return response  # SEND_FILE_MAX_AGE_DEFAULT, revalidated by ETag
    filename = (request.view_args or {}).get("filename", "")
    if version == static_version(current_app, filename):
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"  # an old or made-up version: always revalidate
    return response


def install_static(app: Quart) -> None:
    app.url_defaults(add_static_version)
    app.after_request(cache_static_files)
    app.jinja_env.globals["static_url"] = static_url
