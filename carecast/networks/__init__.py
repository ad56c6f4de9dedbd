"""Networks: one folder per network (``mastodon/``, ``x/``, ...), each its rules, connector,
connect flow, sandbox routes and preview.

``carecast.networks.get(name)`` is the public entry point; the registry is an
explicit dict in ``registry.py`` (adding a network = one folder + one line there; see
CONTRIBUTING.md).
"""

from carecast.networks.registry import NETWORKS, all_networks, choices, get

__all__ = ["NETWORKS", "all_networks", "choices", "get"]
