"""A DNS server on loopback for the network tools' tests (dnslib): no test asks a public resolver.

    with LoopbackDNS(ZONE) as dns_server:        # ZONE: master-file text, names fully qualified
        env["MYTOOLS_DNS_RESOLVERS"] = dns_server.address   # "127.0.0.1:<port>"

`answers` overrides the zone for one (name, type): a list of record lists, one per query in turn (the
last repeats) — a rebinding server answers a public address first and loopback after. `queries` records
every (name, type) asked. UDP and TCP are both served; `ad=True` sets the DNSSEC AD flag on answers.
A CNAME is followed within the zone, as a recursive resolver does (the alias, then the target's records).
`failures` makes a name fail: {"name": "SERVFAIL"} (or any RCODE name) answers with that code, "timeout"
sends no answer at all.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from dnslib import QTYPE, RCODE, RR, DNSError, DNSRecord
from dnslib.server import BaseResolver, DNSServer

MAX_ALIASES = 8


class ZoneResolver(BaseResolver):
    def __init__(
        self, zone: str, answers: dict[tuple[str, str], list[list[str]]], ad: bool, failures: dict[str, str]
    ) -> None:
        self.records = RR.fromZone(zone) if zone.strip() else []
        self.answers = {(name.rstrip(".").lower(), kind): list(seq) for (name, kind), seq in answers.items()}
        self.ad = ad
        self.failures = {name.rstrip(".").lower(): code for name, code in failures.items()}
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
        failure = self.failures.get(name)
        if failure == "timeout":
            raise DNSError("dropped on purpose: the client times out")
        if failure is not None:
            reply.header.rcode = getattr(RCODE, failure)
            return reply
        for _ in range(MAX_ALIASES):
            matched = [rr for rr in self.records if str(rr.rname).rstrip(".").lower() == name]
            answers = [rr for rr in matched if QTYPE[rr.rtype] in (kind, "CNAME")]
            for rr in answers:
                reply.add_answer(rr)
            alias = next((rr for rr in answers if QTYPE[rr.rtype] == "CNAME"), None)
            if alias is None or kind == "CNAME":
                break
            name = str(alias.rdata.label).rstrip(".").lower()  # follow the alias, as a recursive resolver does
        if not reply.rr and not matched and not self.exists(name):
            reply.header.rcode = RCODE.NXDOMAIN
        reply.header.ad = int(self.ad)
        return reply

    def exists(self, name: str) -> bool:
        """A name with records, or with records below it (an empty non-terminal is NODATA, not NXDOMAIN)."""
        owners = {str(rr.rname).rstrip(".").lower() for rr in self.records}
        return any(owner == name or owner.endswith("." + name) for owner in owners)


class LoopbackDNS:
    def __init__(
        self, zone: str = "", answers: dict | None = None, *, ad: bool = False, failures: dict | None = None
    ) -> None:
        self.resolver = ZoneResolver(zone, answers or {}, ad, failures or {})
        self.udp, self.tcp = self.bind()
        self.port = self.udp.server.server_address[1]
        self.address = f"127.0.0.1:{self.port}"

    def bind(self, attempts: int = 20) -> tuple[DNSServer, DNSServer]:
        """UDP and TCP on one free port: the UDP port the system picks may be taken for TCP (the machine is shared)."""
        for _ in range(attempts):
            udp = DNSServer(self.resolver, port=0, address="127.0.0.1", tcp=False, logger=_Quiet())
            try:
                port = udp.server.server_address[1]
                return udp, DNSServer(self.resolver, port=port, address="127.0.0.1", tcp=True, logger=_Quiet())
            except OSError:
                udp.server.server_close()
        raise OSError(f"no port free for both UDP and TCP after {attempts} attempts")

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


def app_asking(server: LoopbackDNS, tmp_path: Path, sqlite_template: Path, **settings: str):
    """A test app on a copy of the migrated SQLite template, whose only resolver is `server`."""
    from tests.conftest import make_app  # conftest imports this module

    path = tmp_path / "mytools.sqlite3"
    shutil.copy(sqlite_template, path)
    # Its network tools open to visitors (the tests' default app keeps them for accounts), unless settings say.
    public = {"MYTOOLS_NETWORK_PUBLIC": "true", "MYTOOLS_NETWORK_PER_HOUR": "100000"}
    return make_app(f"sqlite:///{path}", MYTOOLS_DNS_RESOLVERS=server.address, **{**public, **settings})


class _Quiet:
    def log_request(self, *a): ...
    def log_reply(self, *a): ...
    def log_truncated(self, *a): ...
    def log_error(self, *a): ...
    def log_data(self, *a): ...
    def log_recv(self, *a): ...
    def log_send(self, *a): ...
