"""Hash text or a file with MD5, SHA-1, SHA-2, SHA-3 and BLAKE2 (or HMAC), and verify a digest."""

from tools.hash.views import TOOL, bp

__all__ = ["TOOL", "bp"]
