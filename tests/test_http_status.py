"""The HTTP status reference: entries checked against their RFCs, the search, then the page and the JSON API."""

from __future__ import annotations

import html
import re

import pytest

from tools.http_status.codes import STATUSES, by_class, search

HTMX = {"HX-Request": "true"}

KNOWN_ENTRIES = [
    # RFC 9110 §15.5.5 "404 Not Found".
    (404, "Not Found", "RFC 9110 §15.5.5"),
    # RFC 2324 §2.3.2 defines 418 for HTCPCP; RFC 9110 §15.5.19 reserves the code as "(Unused)".
    (418, "I'm a teapot", "RFC 2324 §2.3.2; RFC 9110 §15.5.19"),
    # RFC 6585 §3, §4, §5, §6.
    (428, "Precondition Required", "RFC 6585 §3"),
    (429, "Too Many Requests", "RFC 6585 §4"),
    (431, "Request Header Fields Too Large", "RFC 6585 §5"),
    (511, "Network Authentication Required", "RFC 6585 §6"),
    # RFC 7538 defined 308; RFC 9110 §15.4.9 now holds it.
    (308, "Permanent Redirect", "RFC 9110 §15.4.9 (first defined in RFC 7538)"),
    # RFC 9110 §15.5.21 renamed 422 "Unprocessable Entity" (RFC 4918) to "Unprocessable Content".
    (422, "Unprocessable Content", "RFC 9110 §15.5.21"),
    # RFC 9110 §15.5.14 renamed 413 "Payload Too Large" to "Content Too Large".
    (413, "Content Too Large", "RFC 9110 §15.5.14"),
    (103, "Early Hints", "RFC 8297 §2"),
    (425, "Too Early", "RFC 8470 §5.2"),
    (451, "Unavailable For Legal Reasons", "RFC 7725 §3"),
    # WebDAV: RFC 2518 §10.1 (102), RFC 4918 §11.1 (207), RFC 5842 §7.1 (208); delta encoding RFC 3229 §10.4.1.
    (102, "Processing", "RFC 2518 §10.1"),
    (207, "Multi-Status", "RFC 4918 §11.1"),
    (208, "Already Reported", "RFC 5842 §7.1"),
    (226, "IM Used", "RFC 3229 §10.4.1"),
    (200, "OK", "RFC 9110 §15.3.1"),
    (500, "Internal Server Error", "RFC 9110 §15.6.1"),
]


def by_code(code: int):
    return next(s for s in STATUSES if s.code == code)


@pytest.mark.parametrize(("code", "phrase", "reference"), KNOWN_ENTRIES)
def test_known_entries(code, phrase, reference):
    status = by_code(code)
    assert (status.phrase, status.reference) == (phrase, reference)


@pytest.mark.parametrize("status", STATUSES, ids=lambda s: str(s.code))
def test_each_meaning_is_one_sentence(status):
    sentence = status.meaning.replace("e.g. ", "")
    assert sentence[0].isupper() and sentence.endswith(".") and ". " not in sentence
    assert status.reference.startswith("RFC ")


def test_every_rfc_9110_code_is_there():
    # RFC 9110 §15: the codes it defines, section by section (15.2 to 15.6).
    rfc9110 = {100, 101, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 306, 307, 308}
    rfc9110 |= {400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418}
    rfc9110 |= {421, 422, 426, 500, 501, 502, 503, 504, 505}
    cited = {s.code for s in STATUSES if "RFC 9110" in s.reference}
    assert cited == rfc9110


def test_codes_are_unique_and_sorted():
    codes = [s.code for s in STATUSES]
    assert codes == sorted(set(codes))
    assert len(codes) == 63


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("404", [404]),
        (" 404 ", [404]),
        ("999", []),  # unknown code
        ("100", [100]),
        ("4xx", [s.code for s in STATUSES if 400 <= s.code < 500]),
        ("5", [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]),
        ("30", [300, 301, 302, 303, 304, 305, 306, 307, 308]),
        ("42x", [421, 422, 423, 424, 425, 426, 428, 429]),
        # The phrase match first, then meanings: 304's meaning says "found the resource unchanged".
        ("not found", [404, 304]),
        ("NOT FOUND", [404, 304]),
        ("teapot", [418]),
        ("rfc 6585", [428, 429, 431, 511]),
        ("webdav", [102, 207, 208, 423, 424, 507, 508]),
        ("redirect", [307, 308, 301, 302, 303]),
        ("rate limiting", [429]),
        ("zzz", []),
    ],
)
def test_search(query, codes):
    assert [s.code for s in search(query)] == codes


def test_empty_search_lists_everything_grouped_by_class():
    groups = by_class(search(""))
    assert [heading for heading, _ in groups] == [
        "1xx Informational",
        "2xx Successful",
        "3xx Redirection",
        "4xx Client error",
        "5xx Server error",
    ]
    assert sum(len(members) for _, members in groups) == len(STATUSES)


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_code(tool_client):
    response = await tool_client.post("/api/http-status", json={"input": "404"})
    assert response.status_code == 200
    assert await response.get_json() == {
        "query": "404",
        "entries": [
            {
                "code": 404,
                "phrase": "Not Found",
                "meaning": "The origin server did not find a current representation for the target resource, "
                "or will not disclose that one exists.",
                "reference": "RFC 9110 §15.5.5",
                "status_class": "4xx Client error",
            }
        ],
    }


async def test_api_words(tool_client):
    response = await tool_client.post("/api/http-status", json={"input": "not found"})
    body = await response.get_json()
    assert [(e["code"], e["phrase"]) for e in body["entries"]] == [(404, "Not Found"), (304, "Not Modified")]


async def test_api_429(tool_client):
    body = await (await tool_client.post("/api/http-status", json={"input": "429"})).get_json()
    assert [(e["code"], e["phrase"], e["reference"]) for e in body["entries"]] == [
        (429, "Too Many Requests", "RFC 6585 §4")
    ]


async def test_api_unknown_code_is_an_empty_list(tool_client):
    response = await tool_client.post("/api/http-status", json={"input": "299"})
    assert response.status_code == 200
    assert await response.get_json() == {"query": "299", "entries": []}


async def test_api_empty_input_lists_every_code(tool_client):
    body = await (await tool_client.post("/api/http-status", json={})).get_json()
    assert [e["code"] for e in body["entries"]] == [s.code for s in STATUSES]


@pytest.mark.parametrize("value", [404, None, ["404"], {"code": 404}])
async def test_api_wrong_type_is_422(tool_client, value):
    response = await tool_client.post("/api/http-status", json={"input": value})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert error["message"].startswith("input: ")


async def test_api_oversize_query_states_the_limit(tool_client):
    response = await tool_client.post("/api/http-status", json={"input": "x" * 101})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert "100" in error["message"]


async def test_openapi_documents_the_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/http-status"]["post"]
    assert operation["summary"].startswith("Find HTTP status codes")
    assert operation["operationId"] == "post_http_status"


# --- page -------------------------------------------------------------------------------------------


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


async def test_page_lists_every_code_by_class(tool_client):
    response = await tool_client.get("/tools/http-status/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="get" action="/tools/http-status/"' in page  # a plain GET form without JavaScript
    assert 'hx-get="/tools/http-status/"' in page
    assert page.count('<dt id="code-') == len(STATUSES)
    assert page.index("<h2>1xx Informational</h2>") < page.index("<h2>5xx Server error</h2>")
    assert '<code id="status-404">404 Not Found</code>' in page
    assert '<code id="status-418">418 I&#39;m a teapot</code>' in page
    assert 'data-copy-target="status-404"' in page
    assert "style=" not in page
    assert share_link(page) is None


async def test_page_search_filters_on_the_server(tool_client):
    response = await tool_client.get("/tools/http-status/?q=rfc+6585")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r'<dt id="code-(\d+)">', page) == ["428", "429", "431", "511"]
    assert "4 codes match “rfc 6585”." in page
    assert 'value="rfc 6585"' in page
    assert "HX-Request" in response.headers["Vary"]
    assert share_link(page) == "/tools/http-status/?q=rfc+6585"


async def test_page_accepts_input_as_the_query_name(tool_client):
    page = await (await tool_client.get("/tools/http-status/?input=418")).get_data(as_text=True)
    assert re.findall(r'<dt id="code-(\d+)">', page) == ["418"]
    assert "1 code matches “418”." in page


async def test_htmx_search_returns_only_the_result(tool_client):
    response = await tool_client.get("/tools/http-status/?q=404", headers=HTMX)
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert re.findall(r'<dt id="code-(\d+)">', fragment) == ["404"]
    assert '<div id="q-feedback" hx-swap-oob="true"></div>' in fragment
    assert "HX-Request" in response.headers["Vary"]


async def test_page_with_no_match(tool_client):
    page = await (await tool_client.get("/tools/http-status/?q=299")).get_data(as_text=True)
    assert "No code matches “299”." in page
    assert "<dt" not in page


async def test_page_oversize_query_is_422_next_to_the_field(tool_client):
    response = await tool_client.get("/tools/http-status/?q=" + "x" * 101, headers=HTMX)
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(
        r'<div id="q-feedback" hx-swap-oob="true"><small class="field-error" id="q-error"[^>]*>[^<]*100', fragment
    )
    assert "<dt" not in fragment
