"""User-Agent strings read by ua-parser (uap-core's regexes): browser, operating system and device."""

from __future__ import annotations

import ua_parser
from pydantic import BaseModel, Field

MAX_USER_AGENT = 1000  # characters given to the parser; the string itself is shown whole


class Software(BaseModel):
    family: str = Field(description="e.g. Chrome, Firefox, Googlebot; 'Other' when unknown.")
    version: str | None = Field(description="Dotted version, e.g. 51.0.2704.103.")


class Device(BaseModel):
    family: str = Field(description="e.g. iPhone, Spider (a bot); 'Other' when unknown.")
    brand: str | None
    model: str | None


class UserAgent(BaseModel):
    string: str | None = Field(description="The User-Agent header; null when none was sent.")
    browser: Software
    os: Software
    device: Device
    is_bot: bool = Field(description="True when ua-parser files the agent under the 'Spider' device (crawlers).")


def dotted(*parts: str | None) -> str | None:
    present = [part for part in parts if part]
    return ".".join(present) or None


def describe_user_agent(string: str | None) -> UserAgent:
    """Browser, OS and device from the User-Agent header, by ua-parser (uap-core's regexes)."""
    found = ua_parser.parse((string or "")[:MAX_USER_AGENT])
    agent, system, device = found.user_agent, found.os, found.device
    return UserAgent(
        string=string,
        browser=Software(
            family=agent.family if agent else "Other",
            version=dotted(agent.major, agent.minor, agent.patch, agent.patch_minor) if agent else None,
        ),
        os=Software(
            family=system.family if system else "Other",
            version=dotted(system.major, system.minor, system.patch, system.patch_minor) if system else None,
        ),
        device=Device(
            family=device.family if device else "Other",
            brand=device.brand if device else None,
            model=device.model if device else None,
        ),
        is_bot=bool(device and device.family == "Spider"),
    )
