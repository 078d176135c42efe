"""Take a URL apart (IDN host in Unicode and punycode, port, path, query), edit and rebuild it, add UTM tags."""

from __future__ import annotations

from itertools import zip_longest
from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from quart import Blueprint, make_response, request

from core.forms import FormInput, ToolInputError, field_errors, read_form
from core.operations import Operation, page_form
from core.registry import Tool
from core.render import is_htmx, render_template, render_tool, share_url
from tools.url import urls

# The page (a parse form and an edit form on one page) is this module's; the platform adds the two API routes.
bp = Blueprint("url", __name__)

MAX_URL = 8192
MAX_PART = 4096
MAX_PARAMETERS = 200
BUILD_FIELDS = ("scheme", "user", "password", "host", "port", "path", "query", "fragment")
OPTIONAL_FIELDS = ("user", "password", "host", "port", "fragment")  # an empty form field means "absent"
EDIT_ROWS = 3  # query rows shown at least; there is always one empty row to add a parameter


class UrlInput(BaseModel):
    input: str = Field(
        max_length=MAX_URL, description="The URL to take apart, e.g. https://bücher.example:8080/a?q=1#top"
    )


class QueryParameter(BaseModel):
    name: str = Field(max_length=MAX_PART, description="Parameter name, percent-decoded ('+' reads as a space).")
    value: str | None = Field(
        default=None, max_length=MAX_PART, description="Percent-decoded value; null for a name without '='."
    )


class UrlComponents(BaseModel):
    scheme: str
    user: str | None = Field(description="Percent-decoded user name; null when there is no userinfo.")
    password: str | None = Field(
        description=f"'{urls.MASK}' when the URL holds a password, '' for an empty one: never the password itself."
    )
    host: str | None = Field(description="As written; null when there is no authority (mailto:, urn:).")
    host_unicode: str | None = Field(description="Unicode form of the host (IDNA 2008 with UTS 46 mapping).")
    host_ascii: str | None = Field(description="ASCII form of the host: punycode A-labels, e.g. xn--bcher-kva.example.")
    host_type: Literal["name", "ipv4", "ipv6", "ipvfuture", "empty"] | None
    port: int | None = Field(description="The port written in the URL; null when there is none.")
    default_port: int | None = Field(description="The scheme's usual port, when it is known.")
    path: str = Field(description="The path, percent-decoded.")
    path_raw: str = Field(description="The path as written.")
    query_raw: str | None = Field(description="The query as written, without '?'; null when there is no '?'.")
    query: list[QueryParameter] = Field(description="Query parameters in order, repeated names kept, decoded.")
    fragment: str | None = Field(description="The fragment, percent-decoded; null when there is no '#'.")
    fragment_raw: str | None
    notes: list[str] = Field(description="Things worth knowing, e.g. a default port written out.")


class UrlParts(BaseModel):
    scheme: str = Field(max_length=64, description="e.g. https")
    user: str | None = Field(default=None, max_length=MAX_PART, description="User name (it is percent-encoded).")
    password: str | None = Field(default=None, max_length=MAX_PART, description="Password (it is percent-encoded).")
    host: str | None = Field(
        default=None,
        max_length=1024,
        description="Host in Unicode or ASCII (IDNA 2008 / UTS 46 gives the punycode form), an IPv4 address, or an "
        "IPv6 address with or without brackets; null for a URL without authority (mailto:).",
    )
    port: int | None = Field(default=None, ge=0, le=65535, description="Port, 0 to 65535; null for none.")
    path: str = Field(
        default="",
        max_length=MAX_URL,
        description="Path as it should appear: %XX escapes are kept and other characters that need it (space, "
        "non-ASCII, '?', '#') are percent-encoded. Pass path_raw from /api/url for an exact round trip.",
    )
    query: list[QueryParameter] = Field(
        default_factory=list, max_length=MAX_PARAMETERS, description="Parameters in order (names and values decoded)."
    )
    fragment: str | None = Field(
        default=None, max_length=MAX_URL, description="Fragment without '#', encoded like the path; null for none."
    )


class UrlBuilt(BaseModel):
    url: str = Field(description="The URL, with the host in its ASCII (punycode) form.")


UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


class UtmInput(BaseModel):
    input: str = Field(max_length=MAX_URL, title="URL", description="The page to link to; its query is kept.")
    utm_source: str = Field(max_length=MAX_PART, title="Source", description="Who sends the visit: newsletter, google.")
    utm_medium: str = Field(
        default="", max_length=MAX_PART, title="Medium", description="Optional: the kind of link: email, cpc, social."
    )
    utm_campaign: str = Field(
        default="", max_length=MAX_PART, title="Campaign", description="Optional: the campaign's name: spring_sale."
    )
    utm_term: str = Field(default="", max_length=MAX_PART, title="Term", description="Optional: paid search words.")
    utm_content: str = Field(
        default="", max_length=MAX_PART, title="Content", description="Optional: which link or ad: logo, footer_link."
    )


class UtmUrl(BaseModel):
    url: str = Field(description="The URL with the utm_ parameters added (replacing any of the same name).")
    replaced: list[str] = Field(description="utm_ parameters the URL had already, now replaced.")


def components(parsed: urls.ParsedUrl) -> UrlComponents:
    """The API view of a parsed URL: password masked, everything decoded beside its raw form."""
    host = parsed.host
    password = parsed.password
    return UrlComponents(
        scheme=parsed.scheme,
        user=parsed.user,
        password=None if password is None else (urls.MASK if password else ""),
        host=host.written if host else None,
        host_unicode=host.unicode if host else None,
        host_ascii=host.ascii if host else None,
        host_type=host.kind if host else None,
        port=parsed.port,
        default_port=parsed.default_port,
        path=urls.decode(parsed.path_raw),
        path_raw=parsed.path_raw,
        query_raw=parsed.query_raw,
        query=[QueryParameter(name=name, value=value) for name, value in parsed.query],
        fragment=None if parsed.fragment_raw is None else urls.decode(parsed.fragment_raw),
        fragment_raw=parsed.fragment_raw,
        notes=parsed.notes,
    )


def parts_of(data: UrlParts) -> urls.UrlParts:
    return urls.UrlParts(
        scheme=data.scheme,
        user=data.user,
        password=data.password,
        host=data.host,
        port=data.port,
        path=data.path,
        query=[(p.name, p.value) for p in data.query],
        fragment=data.fragment,
    )


def edit_values(parsed: urls.ParsedUrl, original: str) -> dict:
    """The edit form filled from a parsed URL (the raw path and fragment, so escapes survive)."""
    return {
        "input": original,
        "scheme": parsed.scheme,
        "user": parsed.user or "",
        "password": parsed.password or "",
        "host": parsed.host.unicode if parsed.host else "",
        "port": "" if parsed.port is None else str(parsed.port),
        "path": parsed.path_raw,
        "fragment": parsed.fragment_raw or "",
        "query": [{"name": name, "value": value or ""} for name, value in parsed.query],
    }


async def read_build_form() -> FormInput:
    """The edit form: repeated query_name/query_value rows become `query`; empty optional fields are absent."""
    source = await request.form
    rows = [
        {"name": name, "value": value}
        for name, value in zip_longest(source.getlist("query_name"), source.getlist("query_value"), fillvalue="")
        if name or value
    ]
    shown = {name: source.get(name, "") for name in BUILD_FIELDS if name != "query"}
    shown.update(query=rows, input=source.get("input", ""))
    data = {name: (shown[name] or None) if name in OPTIONAL_FIELDS else shown[name] for name in BUILD_FIELDS[:-2]}
    data["fragment"] = shown["fragment"] or None
    # A row's empty value means a bare name ("?debug"), as the parsed URL shows a missing value empty.
    data["query"] = [{"name": row["name"], "value": row["value"] or None} for row in rows]
    try:
        return FormInput(UrlParts.model_validate(data), shown, {}, BUILD_FIELDS)
    except ValidationError as exc:
        return FormInput(None, shown, field_errors(exc), BUILD_FIELDS)


async def render_page(
    form: FormInput, parsed: urls.ParsedUrl | None, edit: FormInput | None = None, rebuilt=None, **utm_context
):
    if parsed is not None and edit is None:
        edit = FormInput(None, edit_values(parsed, form.values.get("input", "")), {}, BUILD_FIELDS)
    private = parsed is not None and parsed.password is not None
    share = share_url(TOOL.page_url, {"input": form.values["input"]}) if parsed and not private else None
    rows = edit.values["query"] if edit else []
    return await render_tool(
        TOOL,
        status=422 if form.errors or (edit and edit.errors) else 200,
        form=form,
        result=components(parsed) if parsed else None,
        edit=edit,
        rows=rows + [{"name": "", "value": ""}] * max(1, EDIT_ROWS - len(rows)),
        rebuilt=rebuilt,
        private=private,
        share=share,
        **utm_context,
    )


def try_parse(text: str) -> urls.ParsedUrl | None:
    try:
        return urls.parse_url(text) if text.strip() else None
    except ToolInputError:
        return None


@bp.route("/tools/url/", methods=["GET", "POST"])
async def page():
    form = await page_form(TOOL, TOOL.operations[0])  # on a first load, the example
    parsed = None
    if form.data:
        try:
            parsed = urls.parse_url(form.data.input)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    return await render_page(form, parsed)


@bp.post("/tools/url/build/")
async def build_page():
    edit = await read_build_form()
    if edit.data:
        try:
            url = urls.build_url(parts_of(edit.data))
        except ToolInputError as exc:
            edit = edit._replace(errors={exc.field: exc.message})
        else:
            try:
                parsed = urls.parse_url(url)
            except ToolInputError as exc:
                edit = edit._replace(errors={"": f"the URL {url} was built, but cannot be read back: {exc.message}"})
            else:
                form = FormInput(UrlInput(input=url), {"input": url}, {}, ("input",))
                return await render_page(form, parsed, rebuilt=url)
    # Keep the components of the URL being edited on the page, beside the form and its messages.
    original = edit.values["input"]
    form = FormInput(None, {"input": original}, {}, ("input",))
    return await render_page(form, try_parse(original), edit=edit)


@bp.post("/tools/url/utm/")
async def utm_page():
    """The UTM form: htmx gets the campaign URL (or the messages); without JavaScript the whole page comes back."""
    utm_form = await read_form(UtmInput)
    utm_result = None
    if utm_form.data:
        try:
            utm_result = utm(utm_form.data)
        except ToolInputError as exc:
            utm_form = utm_form._replace(errors={exc.field: exc.message})
    context = {"utm_form": utm_form, "utm_result": utm_result}
    status = 422 if utm_form.errors else 200
    if is_htmx():
        response = await make_response(await render_template("url/_utm.html", **context), status)
        response.vary.add("HX-Request")
        return response
    blank = FormInput(None, {"input": ""}, {}, ("input",))
    response = await render_page(blank, None, **context)
    response.status_code = status
    return response


def parse(data: UrlInput) -> UrlComponents:
    """Split a URL into scheme, user, masked password, host (Unicode and punycode), port, path, query, fragment."""
    return components(urls.parse_url(data.input))


def build(data: UrlParts) -> UrlBuilt:
    """Build a URL from its components; a Unicode host is written in its punycode (IDNA 2008) form."""
    return UrlBuilt(url=urls.build_url(parts_of(data)))


def utm(data: UtmInput) -> UtmUrl:
    """Add Google Analytics campaign (UTM) parameters to a URL, keeping its query and fragment."""
    if not data.utm_source.strip():
        raise ToolInputError("a campaign URL needs at least a source (utm_source), e.g. newsletter", "utm_source")
    parameters = [(name, getattr(data, name).strip()) for name in UTM_FIELDS if getattr(data, name).strip()]
    already = {name for name, _ in urls.parse_url(data.input).query}
    url = urls.add_query_parameters(data.input, parameters)
    return UtmUrl(url=url, replaced=[name for name, _ in parameters if name in already])


TOOL = Tool(
    slug="url",
    title="URL parser",
    category="Network",
    icon="globe",
    keywords=(
        *("uri", "rfc 3986", "query string", "idn", "idna", "punycode", "percent-encoding", "port", "host"),
        *("utm", "campaign"),
    ),
    examples=(
        (
            "Port, query and fragment",
            {"input": "https://user@example.com:8443/docs/a%20b?q=caf%C3%A9&lang=fr&debug#intro"},
        ),
        ("Unicode host (IDN)", {"input": "https://bücher.example/katalog?seite=2"}),
        ("mailto: (no host)", {"input": "mailto:someone@example.org?subject=Hello%20there"}),
    ),
    operations=(
        # The host in its ASCII (punycode) form: what a parse hands on to the next step.
        Operation(UrlInput, parse, UrlComponents, primary=lambda output: output.host_ascii or ""),
        Operation(
            UrlParts,
            build,
            UrlBuilt,
            primary="url",
            primary_input=None,  # built from parts, no text
            name="build",
            example={
                "scheme": "https",
                "host": "bücher.example",
                "path": "/a b",
                "query": [{"name": "q", "value": "1 2"}],
            },
        ),
        Operation(
            UtmInput,
            utm,
            UtmUrl,
            primary="url",
            name="utm",
            example={
                "input": "https://example.com/shop?lang=fr#top",
                "utm_source": "newsletter",
                "utm_medium": "email",
                "utm_campaign": "spring sale",
            },
        ),
    ),
    own_page=True,
)
