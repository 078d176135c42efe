"""Encode text as Base64, Base32, Base16 (hex), URL percent-encoding or HTML entities, and decode it back."""

from tools.encode import legacy as _legacy  # noqa: F401  (registers /tools/base64/ and /api/base64 on bp)
from tools.encode.views import TOOL, bp

__all__ = ["TOOL", "bp"]
