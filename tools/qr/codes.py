"""QR code payloads (text, URL, Wi-Fi) and their SVG and PNG images with segno: pure functions."""

from __future__ import annotations

import base64
import io
import re
from urllib.parse import urlsplit

import segno
from segno import DataOverflowError

from core.forms import ToolInputError

BORDER = 4  # the quiet zone ISO/IEC 18004 requires around a QR code, in modules
# ISO/IEC 18004:2015, Table 7: what the largest symbol (version 40) holds, per mode and error correction level.
VERSION_40_CAPACITY = {
    "numeric": {"L": 7089, "M": 5596, "Q": 3993, "H": 3057},
    "alphanumeric": {"L": 4296, "M": 3391, "Q": 2420, "H": 1852},
    "byte": {"L": 2953, "M": 2331, "Q": 1663, "H": 1273},
}
UNITS = {"numeric": "digits", "alphanumeric": "characters", "byte": "bytes"}
ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")  # ISO/IEC 18004, 7.4.4
MAX_INPUT = VERSION_40_CAPACITY["numeric"]["L"]
# The characters the Wi-Fi format escapes with a backslash (ZXing wiki, "Barcode Contents", Wi-Fi section).
WIFI_SPECIAL = re.compile(r'([\\;,:"])')
MAX_SSID_BYTES = 32  # IEEE 802.11: an SSID is 0-32 octets
HEX_PSK = re.compile(r"[0-9A-Fa-f]{64}")


def escape_wifi(value: str) -> str:
    r"""Backslash before \ ; , : and " (as in MECARD), so a value cannot end its field early."""
    return WIFI_SPECIAL.sub(r"\\\1", value)


def wifi_payload(ssid: str, password: str = "", security: str = "WPA", hidden: bool = False) -> str:
    """The de-facto standard Wi-Fi string, e.g. WIFI:T:WPA;S:home;P:secret;H:true;;"""
    fields = [f"T:{security}", f"S:{escape_wifi(ssid)}"]
    if security != "nopass":
        fields.append(f"P:{escape_wifi(password)}")
    if hidden:
        fields.append("H:true")
    return "WIFI:" + "".join(f"{field};" for field in fields) + ";"


def check_wifi(ssid: str, password: str, security: str) -> None:
    """Refuse what no device would join with, naming the field."""
    if not ssid:
        raise ToolInputError("enter the network name (SSID)", "ssid")
    size = len(ssid.encode())
    if size > MAX_SSID_BYTES:
        raise ToolInputError(f"an SSID is at most {MAX_SSID_BYTES} bytes; this one is {size} bytes in UTF-8", "ssid")
    if security == "nopass":
        if password:
            raise ToolInputError(
                "an open network takes no password: clear the password or choose WPA or WEP", "wifi_password"
            )
        return
    if not password:
        raise ToolInputError(f"enter the {security} password, or choose 'no password'", "wifi_password")
    if security == "WPA" and not (8 <= len(password) <= 63 or HEX_PSK.fullmatch(password)):
        raise ToolInputError(
            f"a WPA password has 8 to 63 characters (or is 64 hex digits); this one has {len(password)}",
            "wifi_password",
        )


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"\s", url):
        raise ToolInputError(
            "a URL starts with http:// or https:// and a host name, without spaces (e.g. https://example.com/); "
            "choose Text for anything else",
        )


def payload_for(kind: str, text: str, ssid: str = "", password: str = "", security: str = "WPA", hidden: bool = False):
    """The string the QR code will hold."""
    if kind == "wifi":
        check_wifi(ssid, password, security)
        return wifi_payload(ssid, password, security, hidden)
    if not text:
        raise ToolInputError("enter the URL to encode" if kind == "url" else "enter the text to encode")
    if kind == "url":
        check_url(text)
    return text


def mode_and_size(payload: str) -> tuple[str, int]:
    """The single QR mode segno uses for the payload (UTF-8 for bytes) and its length in that mode's units."""
    if payload.isascii() and payload.isdigit():
        return "numeric", len(payload)
    if set(payload) <= ALPHANUMERIC:
        return "alphanumeric", len(payload)
    return "byte", len(payload.encode())


def overflow_message(payload: str, level: str) -> str:
    mode, size = mode_and_size(payload)
    unit, limits = UNITS[mode], VERSION_40_CAPACITY[mode]
    advice = "shorten the text"
    lower = [other for other in ("L", "M", "Q") if "LMQH".index(other) < "LMQH".index(level) and limits[other] >= size]
    if lower:
        advice = f"choose level {lower[-1]} (it holds {limits[lower[-1]]:,} {unit}) or shorten the text"
    return (
        f"too much data for a QR code at error correction level {level}: {size:,} {unit} in {mode} mode, "
        f"but the largest QR code (version 40) holds {limits[level]:,} at level {level}; {advice}"
    )


def make_code(payload: str, level: str) -> segno.QRCode:
    """A QR code (never a Micro QR) at exactly the chosen level; UTF-8 for text outside ASCII digits/letters."""
    try:
        return segno.make_qr(payload, error=level, boost_error=False, encoding="utf-8")
    except DataOverflowError:
        raise ToolInputError(overflow_message(payload, level)) from None


def svg_image(code: segno.QRCode, title: str, scale: int = 1, inline: bool = False) -> str:
    """An SVG document without XML declaration: a title for screen readers, no script, no external reference.

    inline: sized by a viewBox only, so the page's CSS can scale it; otherwise width/height are scale * modules.
    """
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        title=title,
        scale=scale,
        border=BORDER,
        dark="#000",
        light="#fff",  # a white background, so the code stays readable on a dark page
        omitsize=inline,
        nl=False,
    )
    return out.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" ', 1)


def svg_file(code: segno.QRCode, title: str, scale: int) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + svg_image(code, title, scale)).encode("utf-8")


def png_image(code: segno.QRCode, scale: int) -> bytes:
    """PNG bytes, written by segno itself (no Pillow)."""
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=BORDER, dark="#000", light="#fff")
    return out.getvalue()


def png_base64(code: segno.QRCode, scale: int) -> str:
    return base64.b64encode(png_image(code, scale)).decode("ascii")


def describe(kind: str, text: str, ssid: str) -> str:
    """The image's accessible title; never the Wi-Fi password."""
    if kind == "wifi":
        return "QR code to join the Wi-Fi network " + "".join(c if c.isprintable() else " " for c in ssid)
    shown = "".join(c if c.isprintable() else " " for c in text)  # XML 1.0 forbids most control characters
    shown = shown if len(shown) <= 80 else shown[:79] + "…"
    return f"QR code for {'the URL' if kind == 'url' else 'the text'}: {shown}"
