"""HTTP status codes: the registry as a tuple, and the search over it (no Quart here)."""

from __future__ import annotations

import re
from typing import NamedTuple


class Status(NamedTuple):
    code: int
    phrase: str
    meaning: str
    reference: str


# The IANA "HTTP Status Code" registry (https://www.iana.org/assignments/http-status-codes), minus unassigned
# ranges. Sections of RFC 9110 (HTTP Semantics) for the codes it defines; the defining RFC for the others.
STATUSES: tuple[Status, ...] = (
    Status(
        100,
        "Continue",
        "The first part of the request was received and the client should go on sending the rest, "
        "typically its content after an Expect: 100-continue.",
        "RFC 9110 §15.2.1",
    ),
    Status(
        101,
        "Switching Protocols",
        "The server agrees to switch to the protocol named in the request's Upgrade header field, such as WebSocket.",
        "RFC 9110 §15.2.2",
    ),
    Status(
        102,
        "Processing",
        "A WebDAV server has accepted the complete request and is still working on it; "
        "sent so that the client does not time out.",
        "RFC 2518 §10.1",
    ),
    Status(
        103,
        "Early Hints",
        "Preliminary header fields, usually Link preloads, that the client can act on "
        "while the server prepares the final response.",
        "RFC 8297 §2",
    ),
    Status(
        200,
        "OK",
        "The request succeeded; what the content holds depends on the method, "
        "e.g. the representation of the target resource for GET.",
        "RFC 9110 §15.3.1",
    ),
    Status(
        201,
        "Created",
        "The request succeeded and created one or more resources, identified by the Location header field "
        "or else by the target URI.",
        "RFC 9110 §15.3.2",
    ),
    Status(
        202,
        "Accepted",
        "The request has been accepted for processing, but the processing is not finished and may still fail.",
        "RFC 9110 §15.3.3",
    ),
    Status(
        203,
        "Non-Authoritative Information",
        "The request succeeded, but a transforming proxy has modified the origin server's 200 response content.",
        "RFC 9110 §15.3.4",
    ),
    Status(
        204,
        "No Content",
        "The request succeeded and there is no content to send in the response body.",
        "RFC 9110 §15.3.5",
    ),
    Status(
        205,
        "Reset Content",
        "The request succeeded and the client should reset the document view, e.g. clear the submitted form.",
        "RFC 9110 §15.3.6",
    ),
    Status(
        206,
        "Partial Content",
        "The server is sending only the byte ranges of the representation that the Range header field asked for.",
        "RFC 9110 §15.3.7",
    ),
    Status(
        207,
        "Multi-Status",
        "A WebDAV response whose XML body gives a separate status for each of several resources.",
        "RFC 4918 §11.1",
    ),
    Status(
        208,
        "Already Reported",
        "Members of a WebDAV binding already listed earlier in the same multistatus response are not repeated.",
        "RFC 5842 §7.1",
    ),
    Status(
        226,
        "IM Used",
        "The server fulfilled a GET request and the response is the result of instance manipulations, "
        "such as a delta, applied to the current instance.",
        "RFC 3229 §10.4.1",
    ),
    Status(
        300,
        "Multiple Choices",
        "The target resource has several representations and the client or the user may choose one of them.",
        "RFC 9110 §15.4.1",
    ),
    Status(
        301,
        "Moved Permanently",
        "A permanent redirect: the target resource has a new URI, given in the Location header field; "
        "clients may change POST to GET when they follow it.",
        "RFC 9110 §15.4.2",
    ),
    Status(
        302,
        "Found",
        "A temporary redirect: the target resource is for now at the URI given in the Location header field; "
        "clients may change POST to GET when they follow it.",
        "RFC 9110 §15.4.3",
    ),
    Status(
        303,
        "See Other",
        "A redirect to another resource, given in the Location header field, to be fetched with GET, "
        "e.g. after a POST.",
        "RFC 9110 §15.4.4",
    ),
    Status(
        304,
        "Not Modified",
        "A conditional GET or HEAD request found the resource unchanged, so the client can use its cached copy.",
        "RFC 9110 §15.4.5",
    ),
    Status(
        305,
        "Use Proxy",
        "Deprecated: the resource was to be accessed through the proxy given in the Location header field.",
        "RFC 9110 §15.4.6",
    ),
    Status(
        306,
        "(Unused)",
        "Used in an earlier draft of HTTP; the code is reserved and no longer used.",
        "RFC 9110 §15.4.7",
    ),
    Status(
        307,
        "Temporary Redirect",
        "The target resource is temporarily at the URI given in the Location header field, "
        "and the client must repeat the request there with the same method and content.",
        "RFC 9110 §15.4.8",
    ),
    Status(
        308,
        "Permanent Redirect",
        "The target resource has a new permanent URI, given in the Location header field, "
        "and the client must repeat the request there with the same method and content.",
        "RFC 9110 §15.4.9 (first defined in RFC 7538)",
    ),
    Status(
        400,
        "Bad Request",
        "The server cannot or will not process the request because of a client error, "
        "such as malformed syntax or invalid framing.",
        "RFC 9110 §15.5.1",
    ),
    Status(
        401,
        "Unauthorized",
        "The request lacks valid authentication credentials; "
        "the WWW-Authenticate header field says how to authenticate.",
        "RFC 9110 §15.5.2",
    ),
    Status(
        402,
        "Payment Required",
        "Reserved for future use.",
        "RFC 9110 §15.5.3",
    ),
    Status(
        403,
        "Forbidden",
        "The server understood the request but refuses to fulfil it; authenticating again will not help.",
        "RFC 9110 §15.5.4",
    ),
    Status(
        404,
        "Not Found",
        "The origin server did not find a current representation for the target resource, "
        "or will not disclose that one exists.",
        "RFC 9110 §15.5.5",
    ),
    Status(
        405,
        "Method Not Allowed",
        "The target resource does not support the request method; "
        "the Allow header field lists the methods it supports.",
        "RFC 9110 §15.5.6",
    ),
    Status(
        406,
        "Not Acceptable",
        "No representation matches the request's proactive negotiation header fields, "
        "such as Accept or Accept-Language.",
        "RFC 9110 §15.5.7",
    ),
    Status(
        407,
        "Proxy Authentication Required",
        "Like 401, but the client must first authenticate with the proxy (see the Proxy-Authenticate header field).",
        "RFC 9110 §15.5.8",
    ),
    Status(
        408,
        "Request Timeout",
        "The server did not receive a complete request message within the time it was prepared to wait.",
        "RFC 9110 §15.5.9",
    ),
    Status(
        409,
        "Conflict",
        "The request conflicts with the current state of the target resource, e.g. an edit of an outdated version.",
        "RFC 9110 §15.5.10",
    ),
    Status(
        410,
        "Gone",
        "The target resource is no longer available at the origin server and this is likely to be permanent.",
        "RFC 9110 §15.5.11",
    ),
    Status(
        411,
        "Length Required",
        "The server refuses to accept the request without a Content-Length header field.",
        "RFC 9110 §15.5.12",
    ),
    Status(
        412,
        "Precondition Failed",
        "A condition in the request header fields, such as If-Match or If-Unmodified-Since, evaluated to false.",
        "RFC 9110 §15.5.13",
    ),
    Status(
        413,
        "Content Too Large",
        "The request content is larger than the server is willing or able to process.",
        "RFC 9110 §15.5.14",
    ),
    Status(
        414,
        "URI Too Long",
        "The target URI is longer than the server is willing to interpret.",
        "RFC 9110 §15.5.15",
    ),
    Status(
        415,
        "Unsupported Media Type",
        "The content is in a format (Content-Type or Content-Encoding) "
        "that the target resource does not support for this method.",
        "RFC 9110 §15.5.16",
    ),
    Status(
        416,
        "Range Not Satisfiable",
        "None of the ranges in the Range header field overlap the current extent of the selected representation.",
        "RFC 9110 §15.5.17",
    ),
    Status(
        417,
        "Expectation Failed",
        "The expectation in the request's Expect header field could not be met by at least one inbound server.",
        "RFC 9110 §15.5.18",
    ),
    Status(
        418,
        "I'm a teapot",
        "An April Fools' joke: a teapot asked to brew coffee (HTCPCP); HTTP reserves the code but leaves it undefined.",
        "RFC 2324 §2.3.2; RFC 9110 §15.5.19",
    ),
    Status(
        421,
        "Misdirected Request",
        "The request reached a server that cannot produce a response for its scheme and authority, "
        "e.g. over a reused connection.",
        "RFC 9110 §15.5.20",
    ),
    Status(
        422,
        "Unprocessable Content",
        "The server understands the content type and the syntax is correct, "
        "but it cannot process the instructions the content holds.",
        "RFC 9110 §15.5.21",
    ),
    Status(
        423,
        "Locked",
        "The source or destination resource of a WebDAV method is locked.",
        "RFC 4918 §11.3",
    ),
    Status(
        424,
        "Failed Dependency",
        "A WebDAV method could not be performed on the resource because an action it depended on failed.",
        "RFC 4918 §11.4",
    ),
    Status(
        425,
        "Too Early",
        "The server is unwilling to risk processing a request that might be replayed, "
        "such as one sent in TLS 1.3 early data.",
        "RFC 8470 §5.2",
    ),
    Status(
        426,
        "Upgrade Required",
        "The server refuses the request over the current protocol, "
        "but might accept it after an upgrade to the protocol in the Upgrade header field.",
        "RFC 9110 §15.5.22",
    ),
    Status(
        428,
        "Precondition Required",
        "The origin server requires the request to be conditional, e.g. with If-Match, to prevent lost updates.",
        "RFC 6585 §3",
    ),
    Status(
        429,
        "Too Many Requests",
        "The user has sent too many requests in a given amount of time (rate limiting); "
        "Retry-After may say how long to wait.",
        "RFC 6585 §4",
    ),
    Status(
        431,
        "Request Header Fields Too Large",
        "The server refuses the request because a header field, or all of them together, is too large.",
        "RFC 6585 §5",
    ),
    Status(
        451,
        "Unavailable For Legal Reasons",
        "The server is denying access to the resource as a consequence of a legal demand.",
        "RFC 7725 §3",
    ),
    Status(
        500,
        "Internal Server Error",
        "The server met an unexpected condition that prevented it from fulfilling the request.",
        "RFC 9110 §15.6.1",
    ),
    Status(
        501,
        "Not Implemented",
        "The server does not support the functionality the request needs, such as an unrecognised method.",
        "RFC 9110 §15.6.2",
    ),
    Status(
        502,
        "Bad Gateway",
        "The server, acting as a gateway or proxy, received an invalid response from an inbound server.",
        "RFC 9110 §15.6.3",
    ),
    Status(
        503,
        "Service Unavailable",
        "The server cannot handle the request for now, because of overload or maintenance; "
        "Retry-After may say for how long.",
        "RFC 9110 §15.6.4",
    ),
    Status(
        504,
        "Gateway Timeout",
        "The server, acting as a gateway or proxy, did not get a response in time from an upstream server.",
        "RFC 9110 §15.6.5",
    ),
    Status(
        505,
        "HTTP Version Not Supported",
        "The server does not support, or refuses to support, the major version of HTTP used in the request.",
        "RFC 9110 §15.6.6",
    ),
    Status(
        506,
        "Variant Also Negotiates",
        "A server configuration error in transparent content negotiation: "
        "the chosen variant is itself set up to negotiate.",
        "RFC 2295 §8.1",
    ),
    Status(
        507,
        "Insufficient Storage",
        "A WebDAV method could not be performed because the server cannot store what the request needs.",
        "RFC 4918 §11.5",
    ),
    Status(
        508,
        "Loop Detected",
        "The server ended a WebDAV operation with Depth: infinity because it met an infinite loop of bindings.",
        "RFC 5842 §7.2",
    ),
    Status(
        510,
        "Not Extended",
        "The request did not meet the policy for accessing the resource (HTTP Extension Framework); "
        "the code is obsolete.",
        "RFC 2774 §7",
    ),
    Status(
        511,
        "Network Authentication Required",
        "The client needs to authenticate to gain network access, typically at a captive portal.",
        "RFC 6585 §6",
    ),
)
CLASSES = {
    1: "1xx Informational",
    2: "2xx Successful",
    3: "3xx Redirection",
    4: "4xx Client error",
    5: "5xx Server error",
}
_CODE = re.compile(r"\d{3}")
_CODE_PREFIX = re.compile(r"([1-5]\d?)(?:x{1,2})?|[1-5]\dx")


def search(query: str) -> list[Status]:
    """Codes that match: one exact code, a class or prefix ("4xx", "40"), or every word of the query.

    Words match in the phrase, the meaning or the reference; entries whose phrase holds every word come first.
    """
    words = query.lower().split()
    if not words:
        return list(STATUSES)
    if len(words) == 1 and _CODE.fullmatch(words[0]):
        return [s for s in STATUSES if s.code == int(words[0])]
    if len(words) == 1 and _CODE_PREFIX.fullmatch(words[0]):
        digits = words[0].rstrip("x")
        return [s for s in STATUSES if str(s.code).startswith(digits)]
    in_phrase = [s for s in STATUSES if all(w in s.phrase.lower() for w in words)]
    elsewhere = [
        s
        for s in STATUSES
        if s not in in_phrase and all(w in f"{s.code} {s.phrase} {s.meaning} {s.reference}".lower() for w in words)
    ]
    return in_phrase + elsewhere


def by_class(statuses: list[Status]) -> list[tuple[str, list[Status]]]:
    """Statuses grouped under their class heading, each group in code order."""
    groups: dict[int, list[Status]] = {}
    for status in sorted(statuses, key=lambda s: s.code):
        groups.setdefault(status.code // 100, []).append(status)
    return [(CLASSES[number], members) for number, members in groups.items()]
