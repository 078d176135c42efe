"""Render a tool's full page, or only its result partial for htmx."""

from __future__ import annotations

from urllib.parse import urlencode

from quart import Quart, current_app, make_response, request
from quart.signals import before_render_template, template_rendered
from quart.templating import Environment

from core.first_load import fresh_headers
from core.registry import Tool

SHARE_URL_LIMIT = 2000


class SyncEnvironment(Environment):
    """Quart's Jinja environment without Jinja's async mode, which costs about a quarter more CPU per page
    (every output and call goes through auto_await). Templates call only sync helpers; async context
    processors still run, before rendering (render_template below)."""

    def __init__(self, app: Quart, **options) -> None:
        super().__init__(app, **options)
        self.is_async = False

    def make_globals(self, d):
        # Jinja chains each template's globals to these with a ChainMap, which every {% import %} then
        # tests name by name through both maps. A plain dict is the same while the app adds its globals
        # in create_app, before any template loads (as Jinja's docs ask of environment globals).
        return {**self.globals, **(d or {})}


async def render_template(template_name_or_list, **context) -> str:
    """quart.render_template (context processors, signals) for the app's sync Jinja environment."""
    app = current_app._get_current_object()
    await app.update_template_context(context)
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    await before_render_template.send_async(app, template=template, context=context)
    rendered = template.render(context)
    await template_rendered.send_async(app, template=template, context=context)
    return rendered


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


async def render_tool(tool: Tool, status: int | None = None, **context):
    """`<slug>/_result.html` for an htmx request, `<slug>/index.html` otherwise.

    The status defaults to 422 when the context's form has a field error, else 200.
    """
    form = context.get("form")
    if status is None:
        status = 422 if form is not None and form.errors else 200
    # A tool without a page template of its own gets the generic one, its form drawn from its input model.
    name = f"{tool.slug}/_result.html" if is_htmx() else [f"{tool.slug}/index.html", "tool_page.html"]
    response = await make_response(await render_template(name, **context), status)
    response.vary.add("HX-Request")
    response.headers.update(fresh_headers(form))
    return response


def share_url(path: str, values: dict, secret_fields: tuple[str, ...] = ()) -> str | None:
    """A GET link that reproduces the result, or None when the input is too long for a URL."""
    shared = {k: v for k, v in values.items() if k not in secret_fields and v is not None}
    # Encoding never shortens text: skip the (slow, for megabytes) encoding when it cannot fit.
    if sum(len(str(v)) for v in shared.values()) > SHARE_URL_LIMIT:
        return None
    url = f"{path}?{urlencode(shared, doseq=True)}"
    return url if len(url) <= SHARE_URL_LIMIT else None
