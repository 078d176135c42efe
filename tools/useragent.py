"""Parse a User-Agent string: browser, operating system and device with their versions, and whether it is a bot."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.operations import Operation
from core.registry import Tool
from core.user_agents import MAX_USER_AGENT, UserAgent, describe_user_agent


class UserAgentInput(BaseModel):
    input: str = Field(
        max_length=MAX_USER_AGENT,
        title="User-Agent",
        description="A User-Agent header value, e.g. Mozilla/5.0 (Windows NT 10.0; Win64; x64) … Chrome/120.0.0.0 …",
    )


class UserAgentOutput(UserAgent):
    summary: str = Field(description="One line: 'Chrome 120.0.0.0 on Windows 10', with the device when known.")


def named(family: str, version: str | None) -> str:
    return f"{family} {version}" if version else family


def summary(agent: UserAgent) -> str:
    """'Mobile Safari 17.1.2 on iOS 17.1.2 (Apple iPhone)'; 'Other' parts are left out."""
    text = named(agent.browser.family, agent.browser.version) if agent.browser.family != "Other" else "Unknown agent"
    if agent.os.family != "Other":
        text += " on " + named(agent.os.family, agent.os.version)
    device = " ".join(part for part in (agent.device.brand, agent.device.model) if part)
    if agent.is_bot:
        text += " (bot)"
    elif device:
        text += f" ({device})"
    return text


def parse_user_agent(data: UserAgentInput) -> UserAgentOutput:
    """Browser, operating system and device (with versions) from a User-Agent string, by ua-parser (uap-core)."""
    agent = describe_user_agent(data.input)
    return UserAgentOutput(**agent.model_dump(), summary=summary(agent))


TOOL = Tool(
    slug="useragent",
    title="User-Agent parser",
    category="Network",
    icon="monitor-smartphone",
    keywords=("user agent", "ua", "browser", "os", "device", "bot", "crawler", "uap-core", "ua-parser"),
    examples=(
        (
            "Chrome on Windows",
            {
                "input": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/120.0.0.0 Safari/537.36"
            },
        ),
        (
            "Safari on iPhone",
            {
                "input": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
                "(KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1"
            },
        ),
        (
            "Chrome on a Samsung phone",
            {
                "input": "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/120.0.6099.144 Mobile Safari/537.36"
            },
        ),
        ("Googlebot", {"input": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}),
    ),
    operations=(
        Operation(
            UserAgentInput, parse_user_agent, UserAgentOutput, primary="summary", ready=lambda data: bool(data.input)
        ),
    ),
)
