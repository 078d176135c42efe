"""Connect to a TLS server and see its certificate chain, protocol, cipher and whether the chain is trusted."""

from __future__ import annotations

import ssl

from pydantic import BaseModel, Field

from core import netguard
from core.config import Settings, current_settings
from core.forms import ToolInputError
from core.netguard import CertificateNotTrusted, close_connection, connect_checked
from core.operations import NO_STORE, Operation
from core.patches import ssl_unverified_chain
from core.registry import Tool
from tools.tls.chain import CertificateInfo, describe_certificate


class TlsInput(BaseModel):
    host: str = Field(
        max_length=300,
        title="Host",
        description="A host name or address, optionally with :port (example.com:8443, [2001:db8::1]:443); "
        "an https:// URL is taken apart. The name is sent as SNI and the certificate checked against it.",
    )
    port: int = Field(default=443, ge=1, le=65535, description="The port when the host does not name one.")


class TlsResult(BaseModel):
    host: str = Field(description="The name (or address) the certificate is checked against.")
    port: int
    address: str = Field(description="The address connected to: the one the guard checked.")
    protocol: str = Field(description="The negotiated protocol, e.g. TLSv1.3.")
    cipher: str = Field(description="The negotiated cipher suite, e.g. TLS_AES_256_GCM_SHA384.")
    cipher_bits: int
    chain: list[CertificateInfo] = Field(description="The certificates the server sent, its own first.")
    trusted: bool = Field(description="The chain verifies against the system's trust store for this name.")
    verification: str = Field(
        description="'trusted', or why not (e.g. 'Hostname mismatch', 'certificate has expired')."
    )
    summary: str = Field(description="One line: host, trust, days left, protocol.")


def split_host(text: str, default_port: int) -> tuple[str, int]:
    """'example.com:8443' -> ('example.com', 8443); '[::1]:443', 'https://example.com/x' and bare names too."""
    text = text.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].rsplit("@", 1)[-1]
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host, port = text, ""  # a name, or an IPv6 address without brackets
    if not host:
        raise ToolInputError("type a host name or address", "host")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise ToolInputError(f"{port!r} is not a port (1 to 65535)", "host")
    return host, int(port) if port else default_port


def unverified_context() -> ssl.SSLContext:
    """To see whatever the server sends: the chain is read first and verified on a second connection."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def verification(host: str, port: int, settings: Settings, address) -> str:
    """'trusted', or OpenSSL's reason: a second handshake to the same address, verifying as a browser would."""
    try:
        writer = (await connect_checked(host, port, settings, tls=netguard.tls_client_context(), address=address))[1]
    except CertificateNotTrusted as error:
        return error.reason
    except ToolInputError as error:
        return f"not checked: {error.message}"
    await close_connection(writer)
    return "trusted"


async def inspect_tls(data: TlsInput, settings: Settings) -> TlsResult:
    """Handshake with host:port through the SSRF guard; show the chain, the protocol and cipher, and trust."""
    host, port = split_host(data.host, data.port)
    _, writer, address = await connect_checked(host, port, settings, tls=unverified_context(), field="host")
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        chain = [describe_certificate(der) for der in ssl_unverified_chain(ssl_object)]
        protocol, (cipher, _, bits) = ssl_object.version(), ssl_object.cipher()
    finally:
        await close_connection(writer)
    if not chain:
        raise ToolInputError(f"{host}:{port} sent no certificate", "host")
    verdict = await verification(host, port, settings, address)
    trust = "trusted" if verdict == "trusted" else f"NOT trusted ({verdict})"
    days = chain[0].days_left
    expiry = f"expires in {days} days" if days >= 0 else f"expired {-days} days ago"
    return TlsResult(
        host=host,
        port=port,
        address=str(address),
        protocol=protocol,
        cipher=cipher,
        cipher_bits=bits,
        chain=chain,
        trusted=verdict == "trusted",
        verification=verdict,
        summary=f"{host}:{port} {protocol}, {trust}, {expiry}",
    )


TOOL = Tool(
    slug="tls",
    title="TLS certificate check",
    category="Network",
    icon="lock-keyhole",
    keywords=("ssl", "certificate", "x509", "https", "expiry", "chain", "cipher", "sni", "fingerprint"),
    examples=(
        ("example.com", {"host": "example.com"}),
        ("A mail server's port", {"host": "smtp.gmail.com", "port": "465"}),
    ),
    operations=(
        Operation(
            TlsInput,
            inspect_tls,
            TlsResult,
            primary="summary",
            primary_input="host",
            network=True,
            seconds=15,
            request_args=lambda: (current_settings(),),
            response_headers=NO_STORE,
            first_text="Type a host (example.com or example.com:8443) and press Check.",
        ),
    ),
)
