"""Which RDAP server to ask (RFC 9224 bootstrap): a small vendored table of top-level domains, else a redirector.

IANA publishes the bootstrap registries (data.iana.org/rdap/dns.json, ipv4.json, ipv6.json, asn.json); this
site cannot download them at build time, and no package on PyPI ships them. TLD_SERVERS below is a snapshot
of entries of IANA's dns.json for common top-level domains, written by hand (not downloaded) in December 2026
from that file as known then; it changes rarely (a registry moving its RDAP service), and a moved entry shows
as the old server's error or redirect. Check it against IANA's file when editing. Every other domain, and every IP
address and AS number, goes to the redirector MYTOOLS_RDAP_BOOTSTRAP_URL (default https://rdap.org/, which
answers with a redirect to the authoritative server from IANA's current files); each redirect is checked
by the SSRF guard like any other hop.
"""

from __future__ import annotations

SNAPSHOT_DATE = "2026-12"
VERISIGN = "https://rdap.verisign.com/{tld}/v1/"
GOOGLE = "https://pubapi.registry.google/rdap/"
TLD_SERVERS = {
    "com": VERISIGN.format(tld="com"),
    "net": VERISIGN.format(tld="net"),
    "org": "https://rdap.publicinterestregistry.org/rdap/",
    "info": "https://rdap.identitydigital.services/rdap/",
    "app": GOOGLE,
    "dev": GOOGLE,
    "page": GOOGLE,
    "xyz": "https://rdap.centralnic.com/xyz/",
    "uk": "https://rdap.nominet.uk/uk/",
    "nl": "https://rdap.sidn.nl/",
    "fr": "https://rdap.nic.fr/",
    "br": "https://rdap.registro.br/",
    "cz": "https://rdap.nic.cz/",
}


def rdap_url(kind: str, key: str, redirector: str) -> str:
    """The URL to ask: kind is "domain", "ip" or "autnum" (RFC 9082 paths), key the name, address or number."""
    base = redirector
    if kind == "domain":
        base = TLD_SERVERS.get(key.rsplit(".", 1)[-1], redirector)
    return f"{base}{kind}/{key}"
