"""Pages: the paste form, a paste (with its click-to-reveal step), the raw text, deletion, and `POST /paste`."""

from __future__ import annotations

from pydantic import ValidationError
from quart import flash, make_response, redirect, request, url_for

from core.auth import bearer_token, current_user_id
from core.errors import error_page, human_size
from core.forms import field_errors, read_form
from core.ratelimit import Decision, retry_after_header, too_many_requests_message
from core.render import render_template, render_tool
from tools.paste import TOOL, bp, store
from tools.paste.models import (
    DEFAULT_EXPIRY,
    EXPIRY_LABELS,
    PRIVATE_HEADERS,
    PasteInput,
    PasteTooLarge,
    anonymous_allowed,
    anonymous_refusal,
    paste_links,
    size_limit,
    too_large_message,
)
from tools.paste.render import AUTO, COMMON_LANGUAGES, language_label, rendered, shows_markdown

GONE_MESSAGE = "There is no paste here: it expired, was deleted, was already read, or the link is wrong."
# Served as text that no browser will render or run, even when someone pastes HTML.
RAW_HEADERS = {
    "Content-Type": "text/plain; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "inline",
    **PRIVATE_HEADERS,
}
PLAIN_OPTIONS = ("title", "language", "expires", "burn_after_read")


def login_redirect():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


async def private(body, status: int | None = None):
    """A response with PRIVATE_HEADERS; `body` may be a (body, status) tuple."""
    response = await make_response(body) if status is None else await make_response(body, status)
    response.headers.update(PRIVATE_HEADERS)
    return response


async def gone():
    return await private(await error_page(404, "Paste not found", GONE_MESSAGE))


def raw_text(text: str, status: int = 200, headers: dict | None = None):
    return text, status, {**RAW_HEADERS, **(headers or {})}


async def too_many_pastes(refusal: Decision):
    response = await private(await error_page(429, "Too many pastes", too_many_requests_message(refusal)))
    response.headers.update(retry_after_header(refusal))
    return response


# --- the form ----------------------------------------------------------------------------


@bp.route("/tools/paste/", methods=["GET", "POST"])
async def index():
    user_id = await current_user_id()
    if user_id is None and not anonymous_allowed():
        return login_redirect()
    if request.method == "POST" and (refusal := await anonymous_refusal(user_id)) is not None:
        return await too_many_pastes(refusal)
    form = await read_form(PasteInput, query=False)
    created, status = None, 200
    if request.method == "POST":
        status = 422
        if form.data is not None:
            try:
                created = await store.create_paste(form.data, user_id)
                status = 201
            except PasteTooLarge as exc:
                form, status = form._replace(errors={"content": str(exc)}), 413
    if request.method == "GET" or created is not None:  # a new form, and an empty one once a paste is made
        form = form._replace(values={"language": AUTO, "expires": DEFAULT_EXPIRY})
    recent = await store.list_pastes(user_id) if user_id is not None else []
    response = await render_tool(
        TOOL,
        status,
        form=form,
        created=created,
        links=paste_links(created.paste) if created else None,
        recent=recent,
        languages=COMMON_LANGUAGES,
        language_values=[value for value, _ in COMMON_LANGUAGES],
        expiry=EXPIRY_LABELS,
        limit=human_size(size_limit()),
        anonymous=user_id is None,
    )
    response.headers.update(PRIVATE_HEADERS)
    return response


# --- one paste ---------------------------------------------------------------------------


async def show_paste(paste: dict, revealed: bool):
    shown = await rendered(paste)
    user_id = await current_user_id()
    page = await render_template(
        "paste/show.html",
        paste=paste,
        html=shown.html,
        fallback_note=shown.note,
        markdown=shows_markdown(paste["content"], paste["language"]) and not shown.fell_back,
        revealed=revealed,
        owned=user_id is not None and user_id == paste["owner_id"],
        language=language_label(paste["language"]),
        links=paste_links(paste),
    )
    return await private(page)


@bp.get("/p/<key:paste_id>")
async def show(paste_id: str):
    paste = await store.get_paste(paste_id)
    if paste is None:
        return await gone()
    if paste["burn_after_read"]:
        # A GET never burns: link previews (chat, e-mail) fetch this page without a person reading it.
        return await private(await render_template("paste/reveal.html", paste_id=paste_id))
    return await show_paste(paste, revealed=False)


@bp.post("/p/<key:paste_id>/reveal")
async def reveal(paste_id: str):
    paste = await store.take_burning_paste(paste_id)
    if paste is None:
        if await store.get_paste(paste_id) is not None:  # not a burn-after-read paste: just show it
            return redirect(url_for("paste.show", paste_id=paste_id), 303)
        return await gone()
    return await show_paste(paste, revealed=True)


@bp.get("/p/<key:paste_id>/raw")
async def raw(paste_id: str):
    paste = await store.get_paste(paste_id)
    if paste is None:
        return raw_text(GONE_MESSAGE + "\n", 404)
    if paste["burn_after_read"]:
        url = url_for("paste.raw", paste_id=paste_id, _external=True)
        return raw_text(f"This paste is deleted when read. Read it once with: curl -X POST {url}\n", 409)
    return raw_text(paste["content"])


@bp.post("/p/<key:paste_id>/raw")
async def raw_reveal(paste_id: str):
    """The raw text; a burn-after-read paste is deleted by this request."""
    paste = await store.take_burning_paste(paste_id) or await store.get_paste(paste_id)
    if paste is None:
        return raw_text(GONE_MESSAGE + "\n", 404)
    return raw_text(paste["content"])


@bp.post("/p/<key:paste_id>/delete")
async def delete(paste_id: str):
    user_id = await current_user_id()
    token = (await request.form).get("delete_token", "").strip()
    if await store.delete_paste(paste_id, user_id, token or None):
        await flash("Paste deleted.")
        return redirect(url_for("paste.index") if user_id is not None else url_for("home.index"), 303)
    if await store.get_paste(paste_id) is None:
        return await gone()
    message = "Only its owner, or someone with its delete token, can delete this paste."
    return await private(await error_page(403, "Not allowed", message))


# --- POST /paste: curl --data-binary @file https://…/paste --------------------------------


async def plain_content() -> str:
    """The text of a plain POST: a multipart field or file named content, else the whole body."""
    if request.mimetype == "multipart/form-data":
        files, form = await request.files, await request.form
        if "content" in files:
            data = files["content"].read()
        elif "content" in form:
            return form["content"]
        else:
            raise ValueError("Send the text in a multipart field named content, or as the whole body.")
    else:
        # curl --data-binary labels the body application/x-www-form-urlencoded: it is still the text.
        data = await request.get_data()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("The body is not UTF-8 text.") from None


@bp.post("/paste")
async def plain_create():
    user_id = await current_user_id()
    if bearer_token() is not None and user_id is None:
        return raw_text("Invalid API token.\n", 401)
    if user_id is None and not anonymous_allowed():
        return raw_text("Anonymous pastes are off here: send an API token (Authorization: Bearer …).\n", 401)
    if (refusal := await anonymous_refusal(user_id)) is not None:
        return raw_text(too_many_requests_message(refusal) + "\n", 429, retry_after_header(refusal))
    if request.mimetype != "multipart/form-data" and (request.content_length or 0) > size_limit():
        return raw_text(too_large_message() + "\n", 413)
    try:
        content = await plain_content()
    except ValueError as exc:
        return raw_text(f"{exc}\n", 422)
    values = {name: request.args[name] for name in PLAIN_OPTIONS if name in request.args}
    try:
        data = PasteInput.model_validate({**values, "content": content})
    except ValidationError as exc:
        return raw_text("".join(f"{field}: {message}\n" for field, message in field_errors(exc).items()), 422)
    try:
        created = await store.create_paste(data, user_id)
    except PasteTooLarge as exc:
        return raw_text(f"{exc}\n", 413)
    lines = [paste_links(created.paste)["url"]]
    if created.delete_token:
        lines.append(f"delete token: {created.delete_token}")
    return raw_text("\n".join(lines) + "\n", 201)
