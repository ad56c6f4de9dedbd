"""YouTube (Data API v3): rules (title of 100 characters, description of 5,000 bytes without
angle brackets, Shorts), connector (resumable upload that continues after an interruption),
connect flow (Google OAuth with ``youtube.upload``) and sandbox routes."""

from carecast.networks.youtube.rules import YouTube

__all__ = ["YouTube"]
