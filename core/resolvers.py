"""The DNS resolver every network tool and the SSRF guard ask: MYTOOLS_DNS_RESOLVERS, else the system's."""

from __future__ import annotations

import dns.asyncresolver
import dns.nameserver
import dns.resolver

from core.config import Settings

DNS_TIMEOUT_SECONDS = 3.0  # one query; the whole lookup is bounded by the tool's own limit


def make_resolver(settings: Settings, *, timeout: float = DNS_TIMEOUT_SECONDS) -> dns.asyncresolver.Resolver:
    """A fresh resolver (no cache: a diagnostic shows what the server says now, and the guard checks
    the answer it connects to). With configured resolvers, /etc/resolv.conf is not read at all."""
    if settings.dns_resolvers:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [dns.nameserver.Do53Nameserver(host, port) for host, port in settings.dns_resolvers]
    else:
        try:
            resolver = dns.asyncresolver.Resolver()
        except dns.resolver.NoResolverConfiguration:
            resolver = dns.asyncresolver.Resolver(configure=False)
            resolver.nameservers = ["127.0.0.1"]
    resolver.timeout = timeout
    resolver.lifetime = timeout
    resolver.cache = None
    return resolver


def resolver_label(resolver: dns.asyncresolver.Resolver) -> str:
    """Which server(s) are asked, for showing beside an answer: "1.1.1.1:53, [2606:4700::1111]:53"."""
    labels = []
    for ns in resolver.nameservers:
        address, port = (ns.address, ns.port) if isinstance(ns, dns.nameserver.Nameserver) else (ns, resolver.port)
        labels.append(f"[{address}]:{port}" if ":" in address else f"{address}:{port}")
    return ", ".join(labels)
