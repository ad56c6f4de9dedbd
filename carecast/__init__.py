"""carecast — the social-media desk for hospital communications teams."""

__version__ = "0.1.0"
