"""LinkedIn organisation pages: rules (3,000 characters of "little" text), connector (Posts
API with the ``LinkedIn-Version`` header), connect flow (3-legged OAuth, organisation picker)
and sandbox routes."""

from carecast.networks.linkedin.rules import LinkedIn

__all__ = ["LinkedIn"]
