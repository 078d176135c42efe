"""Password strength with zxcvbn. The password is only passed to zxcvbn: never stored, logged or returned."""

from __future__ import annotations

from pydantic import BaseModel, Field
from zxcvbn import zxcvbn

# zxcvbn-python refuses longer input by default and warns that more invites slow, denial-of-service-prone
# runs; the first 72 characters decide the estimate (a longer password only adds guesses).
ZXCVBN_MAX_LENGTH = 72
# The meaning of each score, from the zxcvbn README (github.com/dropbox/zxcvbn, "Usage").
SCORE_LABELS = (
    "too guessable: risky password",
    "very guessable: protection from throttled online attacks",
    "somewhat guessable: protection from unthrottled online attacks",
    "safely unguessable: moderate protection from an offline slow-hash attack",
    "very unguessable: strong protection from an offline slow-hash attack",
)
SCENARIOS = {
    "online_throttling_100_per_hour": "Online, throttled (100 guesses/hour)",
    "online_no_throttling_10_per_second": "Online, not throttled (10 guesses/s)",
    "offline_slow_hashing_1e4_per_second": "Offline, slow hash (10⁴ guesses/s)",
    "offline_fast_hashing_1e10_per_second": "Offline, fast hash (10¹⁰ guesses/s)",
}


class Strength(BaseModel):
    score: int = Field(description="zxcvbn score 0 (too guessable) to 4 (very unguessable).")
    label: str = Field(description="What the score means (zxcvbn README).")
    guesses_log10: float = Field(description="log10 of the estimated number of guesses.")
    crack_times_display: dict[str, str] = Field(description="Attack scenario -> estimated time to crack.")
    warning: str = Field(description="What is wrong with the password; empty when nothing stands out.")
    suggestions: list[str]
    checked_length: int = Field(description=f"How many characters were estimated (at most {ZXCVBN_MAX_LENGTH}).")
    truncated: bool = Field(description=f"True when the password is longer than {ZXCVBN_MAX_LENGTH} characters.")


def estimate(password: str, user_inputs: list[str] | None = None) -> Strength:
    """zxcvbn's estimate for the password (its first 72 characters), without the password in the result."""
    checked = password[:ZXCVBN_MAX_LENGTH]
    result = zxcvbn(checked, user_inputs=user_inputs or [])
    score = int(result["score"])
    return Strength(
        score=score,
        label=SCORE_LABELS[score],
        guesses_log10=round(float(result["guesses_log10"]), 2),
        crack_times_display={key: str(result["crack_times_display"][key]) for key in SCENARIOS},
        warning=str(result["feedback"]["warning"] or ""),
        suggestions=[str(s) for s in result["feedback"]["suggestions"]],
        checked_length=len(checked),
        truncated=len(password) > ZXCVBN_MAX_LENGTH,
    )
