"""A DNS server on loopback for the network tools' tests (dnslib): no test asks a public resolver.

    with LoopbackDNS(ZONE) as dns_server:        # ZONE: master-file text, names fully qualified
        env["MYTOOLS_DNS_RESOLVERS"] = dns_server.address   # "127.0.0.1:<port>"

`answers` overrides the zone for one (name, type): a list of record lists, one per query in turn (the
last repeats) — a rebinding server answers a public address first and loopback after. `queries` records
every (name, type) asked. UDP and TCP are both served; `ad=True` sets the DNSSEC AD flag on answers.
"""

from __future__ import annotations

import threading

from dnslib import QTYPE, RCODE, RR, DNSRecord
from dnslib.server import BaseResolver, DNSServer


class ZoneResolver(BaseResolver):
    def __init__(self, zone: str, answers: dict[tuple[str, str], list[list[str]]], ad: bool) -> None:
        self.records = RR.fromZone(zone) if zone.strip() else []
        self.answers = {(name.rstrip(".").lower(), kind): list(seq) for (name, kind), seq in answers.items()}
        self.ad = ad
        self.queries: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def resolve(self, request: DNSRecord, handler) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        kind = QTYPE[request.q.qtype]
        with self.lock:
            self.queries.append((name, kind))
            override = self.answers.get((name, kind))
            if override is not None:
                rrs = override.pop(0) if len(override) > 1 else override[0]
                for text in rrs:
                    reply.add_answer(*RR.fromZone(text))
                reply.header.ad = int(self.ad)
                return reply
        matched = [rr for rr in self.records if str(rr.rname).rstrip(".").lower() == name]
        answers = [rr for rr in matched if QTYPE[rr.rtype] == kind or (QTYPE[rr.rtype] == "CNAME" and kind != "CNAME")]
        for rr in answers:
            reply.add_answer(rr)
        if not matched and not any(str(rr.rname).rstrip(".").lower().endswith("." + name) for rr in self.records):
            reply.header.rcode = RCODE.NXDOMAIN
        reply.header.ad = int(self.ad)
        return reply


class LoopbackDNS:
    def __init__(self, zone: str = "", answers: dict | None = None, *, ad: bool = False) -> None:
        self.resolver = ZoneResolver(zone, answers or {}, ad)
        self.udp = DNSServer(self.resolver, port=0, address="127.0.0.1", tcp=False, logger=_Quiet())
        port = self.udp.server.server_address[1]
        self.tcp = DNSServer(self.resolver, port=port, address="127.0.0.1", tcp=True, logger=_Quiet())
        self.port = port
        self.address = f"127.0.0.1:{port}"

    @property
    def queries(self) -> list[tuple[str, str]]:
        return self.resolver.queries

    def __enter__(self) -> LoopbackDNS:
        self.udp.start_thread()
        self.tcp.start_thread()
        return self

    def __exit__(self, *exc) -> None:
        self.udp.stop()
        self.tcp.stop()
        self.udp.server.server_close()
        self.tcp.server.server_close()


class _Quiet:
    def log_request(self, *a): ...
    def log_reply(self, *a): ...
    def log_truncated(self, *a): ...
    def log_error(self, *a): ...
    def log_data(self, *a): ...
    def log_recv(self, *a): ...
    def log_send(self, *a): ...
