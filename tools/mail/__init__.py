"""Check a domain's mail setup: MX hosts, SPF (with its DNS lookup count), DMARC, DKIM, MTA-STS and TLS-RPT records."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.dnslookup import MAX_NAME_INPUT, QUESTION_SECONDS, resolvers_asked
from core.operations import Operation
from core.registry import Tool
from tools.mail.report import MailOutput, inspect_domain
from tools.mail.walk import WALK_SECONDS


class MailInput(BaseModel):
    input: str = Field(
        max_length=MAX_NAME_INPUT,
        title="Domain",
        description="The domain that sends or receives the mail (example.com); an e-mail address is taken for its "
        "domain.",
    )
    selector: str = Field(
        default="",
        max_length=63,
        title="DKIM selector",
        description="Optional: the s= of a DKIM-Signature (e.g. google, selector1), to check "
        "<selector>._domainkey.<domain>.",
    )


async def check_mail(data: MailInput) -> MailOutput:
    """Look up and explain a domain's MX, SPF, DMARC, DKIM (with a selector), MTA-STS and TLS-RPT records."""
    return await inspect_domain(data.input, data.selector.strip())


TOOL = Tool(
    slug="mail",
    title="Mail DNS check",
    category="Network",
    icon="mail-check",
    keywords=("spf", "dmarc", "dkim", "mx", "mta-sts", "tls-rpt", "email", "deliverability", "dns"),
    examples=(
        ("gmail.com", {"input": "gmail.com"}),
        ("example.com with DKIM selector", {"input": "example.com", "selector": "selector1"}),
        ("An address: postmaster@example.org", {"input": "postmaster@example.org"}),
    ),
    operations=(
        Operation(
            MailInput,
            check_mail,
            MailOutput,
            primary="summary",
            network=True,
            # the first round of questions, then the SPF includes (their own bound), then room to answer
            seconds=QUESTION_SECONDS * 2 + WALK_SECONDS + 2,
            first_text="Type a domain (and a DKIM selector if you know one) and press Check.",
            context=lambda form, result: {"resolver": resolvers_asked()},
        ),
    ),
)
