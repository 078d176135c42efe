"""Per-request work the app must not do: thread hops for sync hooks, cookie work nobody asked for."""

from __future__ import annotations

import inspect

from tests.conftest import make_app


def hooks(app) -> list:
    every = [app.template_context_processors, app.before_request_funcs, app.after_request_funcs]
    return [function for table in every for functions in table.values() for function in functions]


def test_every_context_processor_and_request_hook_is_async(tmp_path):
    # Quart runs a sync one through run_sync, in a worker thread, on every render or request.
    app = make_app(f"sqlite:///{tmp_path}/hooks.sqlite3")
    sync = [getattr(f, "__qualname__", repr(f)) for f in hooks(app) if not inspect.iscoroutinefunction(f)]
    assert sync == []


async def test_pages_still_get_current_user_and_the_request_in_templates(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/ctx.sqlite3", MYTOOLS_AUTO_MIGRATE="true")
    async with app.test_app(), app.test_request_context("/tools/json/"):
        context: dict = {}
        await app.update_template_context(context)
        assert await context["current_user"].is_authenticated is False
        assert context["logged_in"] is False and context["tool"].slug == "json"


async def test_a_request_without_login_sets_no_auth_cookie(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/cookie.sqlite3", MYTOOLS_AUTO_MIGRATE="true")
    async with app.test_app() as test_app:
        response = await test_app.test_client().post("/api/hash", json={"input": "abc", "algorithms": ["md5"]})
        assert response.status_code == 200
        assert (await response.get_json())["digests"] == {"md5": "900150983cd24fb0d6963f7d28e17f72"}
        assert "Set-Cookie" not in response.headers


def test_quart_schema_builds_one_type_adapter_per_model(tmp_path):
    import quart_schema.conversion

    from tools.hash.models import HashInput

    make_app(f"sqlite:///{tmp_path}/schema.sqlite3")
    adapter = quart_schema.conversion.TypeAdapter(HashInput)
    assert adapter is quart_schema.conversion.TypeAdapter(HashInput)
    assert adapter.validate_python({"input": "abc"}).input == "abc"


async def test_a_page_without_a_session_cookie_sets_none(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/session.sqlite3", MYTOOLS_AUTO_MIGRATE="true")
    async with app.test_app() as test_app:
        response = await test_app.test_client().get("/tools/json/")
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers


async def test_a_flashed_message_survives_the_redirect_and_shows_once(client, owner):
    response = await client.post("/login", form={"name": "owner", "password": "correct horse battery"})
    assert response.status_code == 302
    assert any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))
    assert "Logged in as owner." in await (await client.get("/")).get_data(as_text=True)
    assert "Logged in as owner." not in await (await client.get("/")).get_data(as_text=True)


async def test_template_urls_are_built_once_per_app_and_keep_their_meaning(tmp_path):
    from core.template_urls import URLS_KEY, cached_url_for

    app = make_app(f"sqlite:///{tmp_path}/urls.sqlite3", MYTOOLS_AUTO_MIGRATE="true")
    async with app.test_app(), app.test_request_context("/tools/json/"):
        css = cached_url_for("static", filename="css/app.css")
        assert css.startswith("/static/css/app.css?v=") and len(css.rsplit("=", 1)[1]) == 10
        assert cached_url_for("home.index") == "/" and cached_url_for("auth.login", next="/x?y") == "/login?next=/x?y"
        assert len(app.extensions[URLS_KEY]) == 3
        assert cached_url_for("static", filename="css/app.css") is css  # from the cache
        assert cached_url_for("home.index", _anchor="top") == "/#top"  # passed through, not cached
        assert len(app.extensions[URLS_KEY]) == 3
    async with app.test_request_context("/", root_path="/prefix"):
        assert cached_url_for("home.index") == "/prefix/"  # another root path is another URL


async def test_security_headers_are_added_once_and_never_over_a_views_own(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/headers.sqlite3", MYTOOLS_AUTO_MIGRATE="true")

    @app.get("/own-policy")
    async def own_policy():
        return "x", 200, {"content-security-policy": "default-src 'none'", "X-Frame-Options": "SAMEORIGIN"}

    async with app.test_app() as test_app:
        response = await test_app.test_client().get("/own-policy")
        assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
        assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
        assert response.headers.getlist("X-Content-Type-Options") == ["nosniff"]
        assert "Strict-Transport-Security" not in response.headers  # plain http


def test_templates_render_without_jinja_async_mode_and_only_through_core_render(tmp_path):
    import re

    from core.config import PROJECT_ROOT
    from core.template_urls import cached_url_for

    app = make_app(f"sqlite:///{tmp_path}/jinja.sqlite3")
    assert app.jinja_env.is_async is False
    # Template globals are a plain dict (not a ChainMap) holding every global create_app installed.
    template_globals = app.jinja_env.get_template("_partials/star.html").globals
    assert type(template_globals) is dict and template_globals["url_for"] is cached_url_for
    assert {"static_url", "is_htmx", "tool_index_url", "get_flashed_messages"} <= template_globals.keys()
    # quart.render_template awaits Template.render_async, which a sync environment refuses.
    quart_render = re.compile(r"from quart import [^\n]*\b(render_template|stream_template)\b")
    sources = [*PROJECT_ROOT.glob("core/**/*.py"), *PROJECT_ROOT.glob("tools/**/*.py"), PROJECT_ROOT / "app.py"]
    assert [str(p) for p in sources if quart_render.search(p.read_text())] == []
