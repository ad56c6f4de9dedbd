"""Django settings for carecast, read from the environment in one place.

Defaults run the demo: SQLite (WAL) and SqliteHuey in ``var/``. Setting
``DATABASE_URL`` and ``REDIS_URL`` moves the same code onto PostgreSQL and
Redis. ``CARECAST_DEBUG=false`` is production: demo secrets are refused there.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from carecast.env import ConfigError, env_bool, env_fernet_key, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CARECAST_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEMO_SECRET = "carecast-demo-secret-do-not-use-in-production"  # noqa: S105 (refused in production)
DEBUG = env_bool("CARECAST_DEBUG", True)
SECRET_KEY = env_str("CARECAST_SECRET_KEY", DEMO_SECRET)
# Network tokens are encrypted at rest with this key (Fernet, 32 url-safe base64 bytes).
# Empty means: derive one from SECRET_KEY, which is acceptable for the demo only.
TOKEN_ENCRYPTION_KEY = env_fernet_key("CARECAST_TOKEN_KEY")
if not DEBUG and (SECRET_KEY == DEMO_SECRET or not TOKEN_ENCRYPTION_KEY):
    raise ConfigError(
        "Production (CARECAST_DEBUG=false) needs CARECAST_SECRET_KEY and CARECAST_TOKEN_KEY "
        "set to your own secrets; see .env.example."
    )

ALLOWED_HOSTS = env_list("CARECAST_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CARECAST_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "axes",
    "ninja",  # serves the API docs' Swagger UI from this installation, not a CDN
    "carecast.core",
    "carecast.networks",
    "carecast.stories",
    "carecast.media",
    "carecast.publishing",
    "carecast.automation",
    "carecast.web",
    "carecast.compliance",
    "carecast.inbox",
    "carecast.live",
    "carecast.approvals",
    "carecast.analytics",
    "carecast.peers",
    "carecast.reports",
    "carecast.ops",
    "carecast.api",
    "carecast.webhooks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "carecast.twofactor",
    "carecast.privacy",
    "carecast.directory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "carecast.core.middleware.GermanFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After the password, the code (carecast/twofactor): before any page of the desk.
    "carecast.twofactor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "carecast.core.middleware.OrganisationTimezoneMiddleware",
    "carecast.core.middleware.SetupRequiredMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): after CARECAST_LOGIN_FAILURE_LIMIT wrong passwords for
# one user name from one address, that pair waits CARECAST_LOGIN_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Two-factor sign-in (TOTP, django-otp): required for the communications lead, who is led
# to set it up at the next sign-in; optional for everyone else.
CARECAST_TWO_FACTOR_FOR_LEADS = env_bool("CARECAST_TWO_FACTOR_FOR_LEADS", True)
OTP_TOTP_ISSUER = "carecast"
AXES_FAILURE_LIMIT = env_int("CARECAST_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("CARECAST_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): scripts only from this server, no inline script and
# no eval (htmx runs with allowEval=false); network images in previews may come from https.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# HTTPS in production: on by default when not in debug, each settable from the environment
# (e.g. CARECAST_SSL_REDIRECT=false behind a proxy that already redirects).
SECURE_SSL_REDIRECT = env_bool("CARECAST_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("CARECAST_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CARECAST_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# The preload directive alone enrols nobody: a domain is listed only once submitted.
SECURE_HSTS_PRELOAD = env_bool("CARECAST_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("CARECAST_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env_bool("CARECAST_BEHIND_PROXY", False):
    # The proxy terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"

ROOT_URLCONF = "carecast.urls"
WSGI_APPLICATION = "carecast.wsgi.application"
ASGI_APPLICATION = "carecast.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Each network keeps its preview template in its own folder (CONTRIBUTING.md).
        "DIRS": sorted((BASE_DIR / "carecast" / "networks").glob("*/templates")),
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "carecast.web.context.navigation",
                "carecast.inbox.context.emergencies",
            ],
        },
    },
]

_sqlite_path = VAR_DIR / "carecast.sqlite3"
# No persistent connections: `carecast serve` is ASGI, where each request runs in its own
# thread context, so a kept connection is never reused but stays open until the garbage
# collector finds it — bench/pages piled them up to PostgreSQL's limit ("too many clients").
# Django's advice for ASGI (docs.djangoproject.com/en/5.2/ref/databases/#persistent-connections).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_sqlite_path}"), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE makes
    # write transactions take the lock up front instead of failing mid-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not :memory:) so a worker process in the tests can share it; one per test run.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "carecast" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# The organisation's zone is what people see; this is the fallback when none is set.
CARECAST_DEFAULT_TIMEZONE = env_str("CARECAST_TIMEZONE", "Europe/Berlin")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# The demo serves static files straight from the apps; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("CARECAST_MEDIA_ROOT", str(VAR_DIR / "media")))

_redis_url = env_str("REDIS_URL", "")
HUEY = {
    "name": env_str("CARECAST_HUEY_NAME", "carecast"),
    "immediate": env_bool("CARECAST_HUEY_IMMEDIATE", False),
    "utc": True,
    "consumer": {
        "workers": env_int("CARECAST_WORKERS", 8, minimum=1),
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
        "scheduler_interval": 1,
    },
}
# These queue classes hand each periodic task to one worker per period (carecast.ops.periodic).
if _redis_url:
    HUEY.update({"huey_class": "carecast.ops.periodic.OncePerPeriodRedisHuey", "url": _redis_url})
else:
    HUEY.update(
        {
            "huey_class": "carecast.ops.periodic.OncePerPeriodSqliteHuey",
            "filename": env_str("CARECAST_HUEY_DB", str(VAR_DIR / "huey.sqlite3")),
        }
    )

# How far ahead of a due time the worker picks a publication up, so that the
# once-a-second scheduler tick does not make posts late (see publishing.dispatch).
CARECAST_DISPATCH_LEAD_SECONDS = env_int("CARECAST_DISPATCH_LEAD_SECONDS", 2, minimum=0)
# Threads one dispatch task uses to publish a burst of due posts.
CARECAST_DISPATCH_THREADS = env_int("CARECAST_DISPATCH_THREADS", 4, minimum=1)
# A publication stuck in "publishing" longer than this was claimed by a worker that died
# (a live worker renews its claims several times per lease).
CARECAST_CLAIM_LEASE_SECONDS = env_int("CARECAST_CLAIM_LEASE_SECONDS", 120, minimum=5)
# First retry after a transient error (doubling up to 30 minutes); lower only in tests/benches.
CARECAST_RETRY_BASE_SECONDS = env_int("CARECAST_RETRY_BASE_SECONDS", 30, minimum=1)
CARECAST_HTTP_TIMEOUT = env_int("CARECAST_HTTP_TIMEOUT", 20, minimum=1)
# Images are decoded in a child process with these limits (carecast.lib.images).
CARECAST_IMAGE_SECONDS = env_int("CARECAST_IMAGE_SECONDS", 30, minimum=1)
CARECAST_IMAGE_MEMORY_MB = env_int("CARECAST_IMAGE_MEMORY_MB", 1536, minimum=128)
# Sandbox network servers (demo and tests) run on loopback; never on in production.
CARECAST_SANDBOX = env_bool("CARECAST_SANDBOX", DEBUG)
# Where people reach this carecast: the base of every link it sends out (e-mails, live
# announcements). Defaults to the address ``carecast serve`` listens on, so a demo on
# another port links to that port; a server bound to every interface is reached on loopback.
_listen_host = env_str("CARECAST_HOST", "127.0.0.1")
_public_host = "127.0.0.1" if _listen_host in {"0.0.0.0", "::", ""} else _listen_host  # noqa: S104
if ":" in _public_host:
    _public_host = f"[{_public_host}]"  # an IPv6 address in a URL
CARECAST_PUBLIC_URL = (
    env_str("CARECAST_PUBLIC_URL", "")
    or f"http://{_public_host}:{env_int('CARECAST_PORT', 8000, minimum=1)}"
).rstrip("/")

# Connecting accounts (carecast/networks/connect). X: the operator's app at developer.x.com
# (OAuth 2.0, type "Web App", callback <public address>/channels/connect/callback/).
CARECAST_X_CLIENT_ID = env_str("CARECAST_X_CLIENT_ID", "")
CARECAST_X_CLIENT_SECRET = env_str("CARECAST_X_CLIENT_SECRET", "")
CARECAST_X_AUTHORIZE_URL = env_str("CARECAST_X_AUTHORIZE_URL", "https://x.com/i/oauth2/authorize")
CARECAST_X_API_URL = env_str("CARECAST_X_API_URL", "https://api.x.com")
# Meta (Facebook Pages, Instagram): the hospital's own app at developers.facebook.com
# (Facebook Login for Business; Standard Access suffices for its own pages).
CARECAST_META_APP_ID = env_str("CARECAST_META_APP_ID", "")
CARECAST_META_APP_SECRET = env_str("CARECAST_META_APP_SECRET", "")
CARECAST_META_DIALOG_URL = env_str(
    "CARECAST_META_DIALOG_URL", "https://www.facebook.com/v21.0/dialog/oauth"
)
CARECAST_META_GRAPH_URL = env_str("CARECAST_META_GRAPH_URL", "https://graph.facebook.com")
# Webhooks for Page and Instagram comments (<public address>/inbox/hooks/meta/): the token
# typed into the app's webhook settings. Unset, or no public address: polling only.
CARECAST_META_WEBHOOK_VERIFY_TOKEN = env_str("CARECAST_META_WEBHOOK_VERIFY_TOKEN", "")
# Behind a firewall: Instagram and Threads fetch images from this S3-compatible bucket
# (presigned addresses) instead of carecast's public address. Needs pip install "carecast[s3]".
CARECAST_MEDIA_BUCKET = env_str("CARECAST_MEDIA_BUCKET", "")
CARECAST_MEDIA_BUCKET_URL = env_str("CARECAST_MEDIA_BUCKET_URL", "")  # empty: AWS itself
CARECAST_MEDIA_BUCKET_ACCESS_KEY = env_str("CARECAST_MEDIA_BUCKET_ACCESS_KEY", "")
CARECAST_MEDIA_BUCKET_SECRET_KEY = env_str("CARECAST_MEDIA_BUCKET_SECRET_KEY", "")
CARECAST_MEDIA_BUCKET_REGION = env_str("CARECAST_MEDIA_BUCKET_REGION", "us-east-1")
# Threads has its own app id and sign-in (threads.net), and its own API host.
CARECAST_THREADS_APP_ID = env_str("CARECAST_THREADS_APP_ID", "")
CARECAST_THREADS_APP_SECRET = env_str("CARECAST_THREADS_APP_SECRET", "")
CARECAST_THREADS_AUTHORIZE_URL = env_str(
    "CARECAST_THREADS_AUTHORIZE_URL", "https://threads.net/oauth/authorize"
)
CARECAST_THREADS_API_URL = env_str("CARECAST_THREADS_API_URL", "https://graph.threads.net")
# LinkedIn: the hospital's app at linkedin.com/developers with the Community Management API.
CARECAST_LINKEDIN_CLIENT_ID = env_str("CARECAST_LINKEDIN_CLIENT_ID", "")
CARECAST_LINKEDIN_CLIENT_SECRET = env_str("CARECAST_LINKEDIN_CLIENT_SECRET", "")
CARECAST_LINKEDIN_OAUTH_URL = env_str(
    "CARECAST_LINKEDIN_OAUTH_URL", "https://www.linkedin.com/oauth/v2"
)
CARECAST_LINKEDIN_API_URL = env_str("CARECAST_LINKEDIN_API_URL", "https://api.linkedin.com")
CARECAST_LINKEDIN_VERSION = env_str("CARECAST_LINKEDIN_VERSION", "")
# TikTok: the hospital's app at developers.tiktok.com (Login Kit + Content Posting API,
# Direct Post; until TikTok audits the app, its posts can only be private).
CARECAST_TIKTOK_CLIENT_KEY = env_str("CARECAST_TIKTOK_CLIENT_KEY", "")
CARECAST_TIKTOK_CLIENT_SECRET = env_str("CARECAST_TIKTOK_CLIENT_SECRET", "")
CARECAST_TIKTOK_AUTHORIZE_URL = env_str(
    "CARECAST_TIKTOK_AUTHORIZE_URL", "https://www.tiktok.com/v2/auth/authorize/"
)
CARECAST_TIKTOK_API_URL = env_str("CARECAST_TIKTOK_API_URL", "https://open.tiktokapis.com")
# YouTube: the hospital's Google Cloud project with the YouTube Data API v3 (OAuth web client).
CARECAST_GOOGLE_CLIENT_ID = env_str("CARECAST_GOOGLE_CLIENT_ID", "")
CARECAST_GOOGLE_CLIENT_SECRET = env_str("CARECAST_GOOGLE_CLIENT_SECRET", "")
CARECAST_GOOGLE_AUTHORIZE_URL = env_str(
    "CARECAST_GOOGLE_AUTHORIZE_URL", "https://accounts.google.com/o/oauth2/v2/auth"
)
CARECAST_GOOGLE_TOKEN_URL = env_str(
    "CARECAST_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token"
)
CARECAST_YOUTUBE_API_URL = env_str("CARECAST_YOUTUBE_API_URL", "https://www.googleapis.com")
# The project's daily quota (units); each upload costs 1,600.
CARECAST_YOUTUBE_DAILY_QUOTA = env_int("CARECAST_YOUTUBE_DAILY_QUOTA", 10_000, minimum=1_600)
# Bluesky: where did:plc documents are read; a resolveHandle server instead of DNS (tests).
CARECAST_BLUESKY_PLC_URL = env_str("CARECAST_BLUESKY_PLC_URL", "https://plc.directory")
CARECAST_BLUESKY_RESOLVER = env_str("CARECAST_BLUESKY_RESOLVER", "")
# The name server asked for _atproto.<handle> TXT records ("host:port"); empty: the system's.
CARECAST_BLUESKY_DNS_SERVER = env_str("CARECAST_BLUESKY_DNS_SERVER", "")
# Refresh access tokens this long before they expire (X's live two hours).
CARECAST_TOKEN_REFRESH_AHEAD_MINUTES = env_int(
    "CARECAST_TOKEN_REFRESH_AHEAD_MINUTES", 30, minimum=1
)

# Email: emergency notifications to whoever is on duty. With CARECAST_EMAIL_HOST set,
# mail goes out over SMTP; without it, to the console (the demo) — or to whatever
# CARECAST_EMAIL_BACKEND names, e.g. django.core.mail.backends.locmem.EmailBackend.
_email_host = env_str("CARECAST_EMAIL_HOST", "")
if _email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email_host
    EMAIL_PORT = env_int("CARECAST_EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("CARECAST_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_str("CARECAST_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("CARECAST_EMAIL_TLS", True)
    EMAIL_USE_SSL = env_bool("CARECAST_EMAIL_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ConfigError("Set CARECAST_EMAIL_TLS or CARECAST_EMAIL_SSL, not both.")
else:
    EMAIL_BACKEND = env_str(
        "CARECAST_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
EMAIL_TIMEOUT = env_int("CARECAST_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("CARECAST_EMAIL_FROM", "carecast <carecast@localhost>")

# Operating (carecast.ops): worker heartbeat, /healthz thresholds, who may read /metrics,
# the failing-channel e-mail to the leads.
CARECAST_HEARTBEAT_SECONDS = env_int("CARECAST_HEARTBEAT_SECONDS", 15, minimum=1)
CARECAST_HEALTH_WORKER_STALE_SECONDS = env_int(
    "CARECAST_HEALTH_WORKER_STALE_SECONDS", 90, minimum=5
)
CARECAST_HEALTH_QUEUE_LAG_SECONDS = env_int("CARECAST_HEALTH_QUEUE_LAG_SECONDS", 300, minimum=1)
CARECAST_METRICS_TOKEN = env_str("CARECAST_METRICS_TOKEN", "")
CARECAST_METRICS_ALLOW = env_list("CARECAST_METRICS_ALLOW", ["127.0.0.1", "::1"])
CARECAST_FAILING_CHANNEL_ATTEMPTS = env_int("CARECAST_FAILING_CHANNEL_ATTEMPTS", 3, minimum=1)
# A load balancer asks over plain HTTP; a redirect to HTTPS would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]

# CARECAST_LOG_FORMAT=json: one JSON object per line, for a log collector.
_log_format = env_str("CARECAST_LOG_FORMAT", "text")
if _log_format not in {"text", "json"}:
    raise ConfigError(f"CARECAST_LOG_FORMAT must be text or json, not {_log_format!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "carecast.ops.jsonlog.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if _log_format == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("CARECAST_LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; lockouts (what matters) are WARNING.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "huey": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
