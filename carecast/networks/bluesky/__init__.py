"""Bluesky: rules, rich-text facets (``facets``), connector (atproto SDK, ``connector``), connect
flow (``connect``), sandbox PDS routes (``sandbox``) and the preview under ``templates/``."""

from carecast.networks.bluesky.rules import Bluesky

__all__ = ["Bluesky"]
