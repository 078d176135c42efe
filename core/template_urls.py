"""url_for for templates, remembered per app: every page builds the same dozen URLs (header, footer, static
files with their content hash) on every render, at about 25 µs each.

A URL here depends only on the endpoint, its values and the request's root path: the app has no host or
subdomain rules, and `_external`, `_scheme`, `_anchor`, `_method` and blueprint-relative (".name")
endpoints are passed straight to url_for. The static version (?v=hash) is fixed for the life of a process.
"""

from __future__ import annotations

from quart import Quart, current_app, has_request_context, request, url_for

URLS_KEY = "mytools.urls"
CACHE_SIZE = 4096  # values may come from the request (e.g. ?next=): bounded, emptied when full


def cached_url_for(endpoint: str, **values) -> str:
    if not has_request_context() or endpoint.startswith(".") or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)
    key = (request.root_path, endpoint, *sorted(values.items()))
    cache: dict = current_app.extensions[URLS_KEY]
    try:
        url = cache.get(key)
    except TypeError:  # an unhashable value, e.g. a list of query values
        return url_for(endpoint, **values)
    if url is None:
        url = url_for(endpoint, **values)
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = url
    return url


def install_url_cache(app: Quart) -> None:
    app.extensions[URLS_KEY] = {}
    app.jinja_env.globals["url_for"] = cached_url_for
