"""The website feed channel: rules, connector (nothing remote; ``render_feed`` writes the
RSS/Atom the website embeds), connect flow (a name and a path, ``connect``). It has no sandbox
routes and uses the generic preview."""

from carecast.networks.feed.rules import Feed

__all__ = ["Feed"]
