"""TikTok (Content Posting API, Direct Post): rules (a caption of 2,200 characters, one
video, the creator's choices TikTok requires), connector (creator_info, chunked FILE_UPLOAD,
status polling), connect flow (Login Kit OAuth with ``video.publish``) and sandbox routes."""

from carecast.networks.tiktok.rules import TikTok

__all__ = ["TikTok"]
