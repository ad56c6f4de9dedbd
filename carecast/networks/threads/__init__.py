"""Threads: rules (500 characters, emoji by UTF-8 bytes, five links), connector (two-step
container publishing on graph.threads.net), connect flow (Threads' own OAuth) and sandbox."""

from carecast.networks.threads.rules import Threads

__all__ = ["Threads"]
