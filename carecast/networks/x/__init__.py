"""X: rules, connector (API v2, ``connector``), connect flow (OAuth 2 with PKCE, ``connect``),
sandbox routes (``sandbox``) and the preview under ``templates/``. The weighted counting and
its URL finder live in ``networks/textcount.py`` and ``twitter_urls.py``: Mastodon counts URLs
the twitter-text way too."""

from carecast.networks.x.rules import X

__all__ = ["X"]
