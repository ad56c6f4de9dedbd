"""Facebook Pages: rules, connector (``connector``), connect flow (``connect``), sandbox routes
(``sandbox``); the Graph API plumbing in ``graph`` is shared with Instagram."""

from carecast.networks.facebook.rules import Facebook

__all__ = ["Facebook"]
