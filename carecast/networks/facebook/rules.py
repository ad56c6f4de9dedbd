"""Facebook's rules: 63,206 characters, up to ten photos with alt text."""

from __future__ import annotations

from carecast.networks.base import Network


class Facebook(Network):
    name = "facebook"
    label = "Facebook"
    text_limit = 63_206
    max_images = 10
    max_image_bytes = 4_000_000  # Page photos: JPEG/PNG under 4 MB are safe
    alt_text_limit = 1_000
    image_types = ("image/jpeg", "image/png", "image/gif")
    connector_class = "carecast.networks.facebook.connector:FacebookConnector"
    preview_template = "networks/facebook/preview.html"
