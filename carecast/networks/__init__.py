"""Networks: one module per network, each its rules and its connector.

``carecast.networks.get(name)`` is the public entry point; the registry is an
explicit dict in ``registry.py`` (adding a network = one module + one line there).
"""

from carecast.networks.registry import NETWORKS, all_networks, choices, get

__all__ = ["NETWORKS", "all_networks", "choices", "get"]
