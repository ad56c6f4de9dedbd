"""Settings for ``bench/pages``: carecast's own, production-like (no DEBUG), plus the bare view."""

from carecast.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "bench.pages_urls"
# The bench signs in with a session cookie; the two-factor check still runs on every request.
CARECAST_TWO_FACTOR_FOR_LEADS = False
