"""Mastodon and every server speaking its client API: rules, connector (``connector``, reading
answers through ``answers``), connect flow (``connect``), sandbox routes (``sandbox``, its
entities in ``sandbox_entities``) and the preview under ``templates/``."""

from carecast.networks.mastodon.rules import Mastodon

__all__ = ["Mastodon"]
