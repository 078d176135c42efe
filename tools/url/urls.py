"""Split a URL into its RFC 3986 components and build one back; IDNA 2008 host names (no Quart here)."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, unquote_plus

import idna

from core.forms import ToolInputError

# RFC 3986 Appendix B: the regular expression that splits any URI reference into its five parts.
RFC3986_PARTS = re.compile(r"^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$", re.DOTALL)
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")  # RFC 3986 §3.1
IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
IPVFUTURE = re.compile(r"[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+")  # RFC 3986 §3.2.2
PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# reg-name = *( unreserved / pct-encoded / sub-delims ), RFC 3986 §3.2.2
REG_NAME_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=]*")

# Characters left as they are when building (letters, digits and "_.-~" always are). RFC 3986 §2.2, §3.
SUB_DELIMS = "!$&'()*+,;="
USER_SAFE = SUB_DELIMS
PASSWORD_SAFE = SUB_DELIMS + ":"
PATH_SAFE = SUB_DELIMS + ":@/"
FRAGMENT_SAFE = SUB_DELIMS + ":@/?"
# A query name or value: sub-delims minus the separators '&', '=', '+' (read as a space) and ';'.
QUERY_SAFE = "!$'()*,:@/?"

MASK = "********"
# Default ports: WHATWG URL Standard §4.1 "special schemes" (ftp, http, https, ws, wss), the rest from the IANA
# Service Name and Transport Protocol Port Number Registry, under the scheme's own RFC where there is one.
DEFAULT_PORTS = {
    "ftp": 21,
    "sftp": 22,
    "ssh": 22,
    "telnet": 23,
    "smtp": 25,
    "dns": 53,
    "gopher": 70,
    "http": 80,
    "ws": 80,
    "pop": 110,
    "news": 119,
    "nntp": 119,
    "imap": 143,
    "snmp": 161,
    "ldap": 389,
    "https": 443,
    "wss": 443,
    "rtsp": 554,
    "ipp": 631,
    "ldaps": 636,
    "rsync": 873,
    "mqtt": 1883,
    "nfs": 2049,
    "mysql": 3306,
    "svn": 3690,
    "sip": 5060,
    "sips": 5061,
    "xmpp": 5222,
    "postgres": 5432,
    "postgresql": 5432,
    "amqps": 5671,
    "amqp": 5672,
    "coap": 5683,
    "coaps": 5684,
    "vnc": 5900,
    "redis": 6379,
    "rediss": 6379,
    "git": 9418,
    "mongodb": 27017,
}


@dataclass
class Host:
    written: str  # as in the URL (an IP literal keeps its brackets)
    unicode: str
    ascii: str
    kind: str  # name, ipv4, ipv6, ipvfuture, empty


@dataclass
class ParsedUrl:
    scheme: str
    user: str | None = None
    password: str | None = None  # the real password: mask it before showing it
    host: Host | None = None
    port: int | None = None
    path_raw: str = ""
    query_raw: str | None = None
    query: list[tuple[str, str | None]] = field(default_factory=list)
    fragment_raw: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def default_port(self) -> int | None:
        return DEFAULT_PORTS.get(self.scheme.lower()) if self.host is not None else None


def describe(char: str) -> str:
    """'x', or U+000A (line feed) for characters a person cannot see."""
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    name = unicodedata.name(char, "")
    if not name and char in "\t\n\r":
        name = {"\t": "tab", "\n": "line feed", "\r": "carriage return"}[char]
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def decode(text: str) -> str:
    """Percent-decoded as UTF-8; bytes that are not UTF-8 become U+FFFD."""
    return unquote(text, errors="replace")


def encode_keeping_escapes(text: str, safe: str) -> str:
    """Percent-encode what may not appear as it is, but keep the %XX escapes already there."""
    pieces, start = [], 0
    for escape in PERCENT_ESCAPE.finditer(text):
        pieces.append(quote(text[start : escape.start()], safe=safe))
        pieces.append(escape.group())
        start = escape.end()
    pieces.append(quote(text[start:], safe=safe))
    return "".join(pieces)


def name_forms(name: str, field: str = "host") -> tuple[str, str, str]:
    """(mapped, Unicode, ASCII) forms of a host name: UTS 46 mapping, then IDNA 2008 per non-ASCII or xn-- label."""
    try:
        mapped = idna.uts46_remap(name, std3_rules=False, transitional=False)
    except idna.IDNAError as exc:
        raise ToolInputError(f"'{name}' cannot be mapped to a host name (UTS 46): {exc}", field) from None
    unicode_labels, ascii_labels = [], []
    for label in mapped.split("."):
        if label.isascii() and not label.lower().startswith("xn--"):
            if REG_NAME_CHARACTERS.fullmatch(label) is None:
                char = next(c for c in label if not REG_NAME_CHARACTERS.fullmatch(c))
                where = f" (in the label '{label}')" if label != name else ""
                raise ToolInputError(f"{describe(char)} is not allowed in the host name '{name}'{where}", field)
            unicode_labels.append(label)
            ascii_labels.append(label)
            continue
        try:
            if label.isascii():
                unicode_labels.append(idna.ulabel(label))
                ascii_labels.append(label)
            else:
                ascii_labels.append(idna.alabel(label).decode("ascii"))
                unicode_labels.append(label)
        except idna.IDNAError as exc:
            raise ToolInputError(f"'{label}' is not a valid IDN label (IDNA 2008): {exc}", field) from None
    return mapped, ".".join(unicode_labels), ".".join(ascii_labels)


def ip_literal(inside: str, field: str = "host") -> str:
    """The normalised text between '[' and ']': an IPv6 address (with an RFC 6874 zone) or IPvFuture."""
    if IPVFUTURE.fullmatch(inside):
        return inside
    address, percent, zone = inside.partition("%25")
    try:
        normal = ipaddress.IPv6Address(address).compressed
    except ValueError as exc:
        raise ToolInputError(f"'[{inside}]' is not a valid IPv6 address: {exc}", field) from None
    return normal + (percent + zone if percent else "")


def read_host(text: str, notes: list[str], field: str = "host") -> Host:
    """A host as written in a URL: IP literal, IPv4 address or registered name (percent-escapes decoded)."""
    if text == "":
        return Host("", "", "", "empty")
    if text.startswith("["):
        if not text.endswith("]"):
            raise ToolInputError(f"'{text}' opens '[' without closing it with ']'", field)
        normal = "[" + ip_literal(text[1:-1], field) + "]"
        return Host(text, normal, normal, "ipvfuture" if text[1:2] in "vV" else "ipv6")
    if IPV4.fullmatch(text):
        try:
            return Host(text, text, str(ipaddress.IPv4Address(text)), "ipv4")
        except ValueError:
            notes.append(f"host: '{text}' looks like an IPv4 address but is not one, so it is read as a name")
    name = text
    if "%" in text:
        if BAD_ESCAPE.search(text):
            raise ToolInputError(f"'{text}' has a '%' that does not start a %XX escape", field)
        try:
            name = unquote(text, errors="strict")
        except UnicodeDecodeError:
            raise ToolInputError(f"the percent-escapes in '{text}' are not UTF-8", field) from None
        notes.append(f"host: percent-escapes decoded: '{text}' is '{name}'")
    mapped, unicode_form, ascii_form = name_forms(name, field)
    if mapped != name.lower():
        notes.append(f"host: '{name}' maps to '{mapped}' (UTS 46)")
    if len(ascii_form.rstrip(".")) > 253:
        notes.append(f"host: {len(ascii_form)} characters is longer than DNS allows (253)")
    return Host(text, unicode_form, ascii_form.lower(), "name")


def read_port(text: str | None, notes: list[str], field: str = "port") -> int | None:
    if text is None:
        return None
    if text == "":
        notes.append("port: ':' with nothing after it means the scheme's default port")
        return None
    if not (text.isascii() and text.isdigit()):
        raise ToolInputError(f"'{text}' is not a port number: a port is digits only, 0 to 65535", field)
    port = int(text)
    if port > 65535:
        raise ToolInputError(f"{port} is out of range: a port is 0 to 65535", field)
    return port


def check_characters(text: str) -> None:
    for index, char in enumerate(text):
        if ord(char) < 0x20 or ord(char) == 0x7F:
            raise ToolInputError(
                f"{describe(char)} at position {index + 1} (counting from 1): a URL cannot contain control "
                "characters such as line breaks or tabs",
                "input",
            )


def check_scheme(text: str, scheme: str | None, rest: str) -> None:
    if scheme is None:
        hint = (
            f" such as https://{text.removeprefix('//')}" if not text.startswith("/") or text.startswith("//") else ""
        )
        raise ToolInputError(f"the URL has no scheme: add one{hint}", "scheme")
    looks_like_port = re.match(r"\d+(?:[/?#]|$)", rest)
    if looks_like_port and ("." in scheme or scheme.lower() == "localhost"):
        raise ToolInputError(
            f"the URL has no scheme: '{scheme}:{looks_like_port.group().rstrip('/?#')}' reads as a host and a port; "
            f"add a scheme such as https://{text}",
            "scheme",
        )


def split_authority(authority: str, notes: list[str]) -> tuple[str | None, str | None, Host, int | None]:
    """user, password, host and port of an authority (RFC 3986 §3.2)."""
    userinfo, at, hostport = authority.rpartition("@")
    user = password = None
    if at:
        user_text, colon, password_text = userinfo.partition(":")
        user, password = decode(user_text), (decode(password_text) if colon else None)
    if hostport.startswith("["):
        end = hostport.find("]")
        if end == -1:
            raise ToolInputError(f"'{hostport}' opens '[' without closing it with ']'", "host")
        host_text, after = hostport[: end + 1], hostport[end + 1 :]
        if after and not after.startswith(":"):
            raise ToolInputError(f"unexpected {describe(after[0])} after ']' in '{hostport}'", "host")
        port_text = after[1:] if after else None
    elif hostport.count(":") > 1:
        raise ToolInputError(
            f"'{hostport}': an IPv6 address must be written in brackets, e.g. http://[2001:db8::1]:8080/", "host"
        )
    else:
        host_text, colon, port_text = hostport.partition(":")
        port_text = port_text if colon else None
    return user, password, read_host(host_text, notes), read_port(port_text, notes)


def parse_url(text: str) -> ParsedUrl:
    """The components of a URL; raises ToolInputError on the `input` field, naming the component."""
    url = text.strip()
    if not url:
        raise ToolInputError("enter a URL such as https://example.com/path?q=1", "input")
    check_characters(url)
    parts = RFC3986_PARTS.match(url)
    scheme = parts.group(2)
    try:
        check_scheme(url, scheme, url[len(scheme) + 1 :] if scheme else url)
        if not SCHEME.fullmatch(scheme):
            raise ToolInputError(
                f"'{scheme}' is not a valid scheme: a letter, then letters, digits, '+', '-' or '.' (RFC 3986 §3.1)",
                "scheme",
            )
        parsed = ParsedUrl(scheme=scheme, path_raw=parts.group(5), query_raw=parts.group(7))
        parsed.fragment_raw = parts.group(9)
        if parts.group(3) is not None:
            authority = split_authority(parts.group(4), parsed.notes)
            parsed.user, parsed.password, parsed.host, parsed.port = authority
    except ToolInputError as exc:
        raise ToolInputError(f"{exc.field}: {exc.message}", "input") from None
    if parsed.query_raw is not None:
        parsed.query = [split_parameter(part) for part in parsed.query_raw.split("&") if part]
    add_notes(parsed)
    return parsed


def split_parameter(part: str) -> tuple[str, str | None]:
    name, equals, value = part.partition("=")
    return unquote_plus(name, errors="replace"), (unquote_plus(value, errors="replace") if equals else None)


def add_notes(parsed: ParsedUrl) -> None:
    if parsed.port is not None and parsed.port == parsed.default_port:
        parsed.notes.append(f"port: {parsed.port} is the default for {parsed.scheme}, so it can be left out")
    for name, raw in (("path", parsed.path_raw), ("query", parsed.query_raw), ("fragment", parsed.fragment_raw)):
        if not raw:
            continue
        bad = BAD_ESCAPE.search(raw)
        if bad:
            parsed.notes.append(f"{name}: the '%' at position {bad.start() + 1} does not start a %XX escape")
        elif "\ufffd" in decode(raw) and "\ufffd" not in raw:
            parsed.notes.append(f"{name}: some percent-escapes are not UTF-8; they are shown as U+FFFD")
        if not raw.isascii() or " " in raw:
            parsed.notes.append(f"{name}: spaces and non-ASCII characters are sent percent-encoded (as UTF-8)")
    if parsed.query and "+" in (parsed.query_raw or ""):
        parsed.notes.append("query: '+' is read as a space, as HTML forms encode it")


@dataclass
class UrlParts:
    """What build_url needs; None means the component is absent."""

    scheme: str
    user: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    path: str = ""
    query: list[tuple[str, str | None]] = field(default_factory=list)
    fragment: str | None = None


def host_for_url(host: str) -> str:
    """A host typed by a person (Unicode or ASCII, IPv6 with or without brackets) as it goes in a URL."""
    if host.startswith("[") or host == "":
        return read_host(host, []).ascii
    if ":" in host:
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            raise ToolInputError(
                f"':' is not allowed in the host name '{host}': put the port in the port field", "host"
            ) from None
    if "%" in host:
        raise ToolInputError(f"'{host}': type the host's characters rather than %XX escapes", "host")
    return read_host(host, []).ascii


def build_url(parts: UrlParts) -> str:
    """A URL from its components; raises ToolInputError naming the component at fault."""
    if not parts.scheme:
        raise ToolInputError("a URL needs a scheme, such as https", "scheme")
    if not SCHEME.fullmatch(parts.scheme):
        raise ToolInputError(
            f"'{parts.scheme}' is not a valid scheme: a letter, then letters, digits, '+', '-' or '.' (RFC 3986 §3.1)",
            "scheme",
        )
    url = parts.scheme.lower() + ":"
    if parts.host is not None:
        url += "//"
        if parts.user is not None or parts.password is not None:
            url += quote(parts.user or "", safe=USER_SAFE)
            if parts.password is not None:
                url += ":" + quote(parts.password, safe=PASSWORD_SAFE)
            url += "@"
        url += host_for_url(parts.host)
        if parts.port is not None:
            url += f":{parts.port}"
        if parts.path and not parts.path.startswith("/"):
            raise ToolInputError("with a host, the path must be empty or start with '/' (RFC 3986 §3.3)", "path")
    else:
        for name in ("user", "password", "port"):
            if getattr(parts, name) is not None:
                raise ToolInputError(f"a {name} needs a host", name)
        if parts.path.startswith("//"):
            raise ToolInputError("without a host, the path cannot start with '//' (RFC 3986 §3.3)", "path")
    url += encode_keeping_escapes(parts.path, PATH_SAFE)
    if parts.query:
        url += "?" + "&".join(
            quote(name, safe=QUERY_SAFE) + ("" if value is None else "=" + quote(value, safe=QUERY_SAFE))
            for name, value in parts.query
        )
    if parts.fragment is not None:
        url += "#" + encode_keeping_escapes(parts.fragment, FRAGMENT_SAFE)
    return url


def add_query_parameters(url: str, parameters: list[tuple[str, str]]) -> str:
    """The URL with the parameters added at the end of its query; a parameter already there by the same name is
    replaced (dropped where it stood). The rest of the URL stays as written, fragment included."""
    parse_url(url)  # refuses what is not a URL, naming the part at fault
    url = url.strip()
    rest, hash_sign, fragment = url.partition("#")
    base, _, query = rest.partition("?")
    names = {name for name, _ in parameters}
    kept = [part for part in query.split("&") if part and split_parameter(part)[0] not in names]
    added = [f"{quote(name, safe=QUERY_SAFE)}={quote(value, safe=QUERY_SAFE)}" for name, value in parameters]
    return f"{base}?{'&'.join(kept + added)}" + (hash_sign + fragment)
