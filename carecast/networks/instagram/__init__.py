"""Instagram professional accounts (through a Facebook Page): rules, connector (two-step
container publishing), connect flow and sandbox routes."""

from carecast.networks.instagram.rules import Instagram

__all__ = ["Instagram"]
