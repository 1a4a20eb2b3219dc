"""Settings for Newsroom: every knob comes from the environment (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent



def url_origin(url):
    """`https://cdn.example.org` for an absolute address, None for a path on our own host."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


env = environ.Env()
# ENV_FILE points elsewhere (tests, several checkouts); variables already set in the real
# environment win over the file.
environ.Env.read_env(os.environ.get("ENV_FILE") or BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# Read verbatim: django-environ would take a value starting with "$" for the name of another
# variable, and a random secret may start with one. `#`, quotes and spaces arrive as written
# (see .env.example for quoting in .env).
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: put a long random string in the environment or in .env, e.g. "
        "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))') "
        "(`make run` writes one into .env for development)."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "reversion_compare",
    "django_prose_editor",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "articles",
]

MIDDLEWARE = [
    # Outermost: a cached page is kept as it left every middleware below, security headers
    # included, so a hit is answered without running them again (articles/caching.py).
    "articles.caching.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "newsroom.middleware.AdminContentSecurityPolicyMiddleware",
    # Inside the security middlewares, so that the 304s it makes carry their headers too.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsroom.middleware.DeskLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "articles.audit.AuditContextMiddleware",
    "articles.signin.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, so that it sees the login view's answer and can replace it with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "articles.context_processors.newsroom",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    # Writers queue for the lock at the start of a transaction instead of failing midway
    # with "database is locked" when two editors save at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
# Seconds a worker keeps its database connection between requests (0: one per request).
# With PostgreSQL in production, 60 with health checks spares a connection setup per page.
# SQLite keeps it by default: a connection is only an open file, but a new one parses the
# schema and starts with empty statement and page caches (4 ms of a 17 ms article page).
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60 if SQLITE else 0)
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# An optional read replica: anonymous readers' GET requests read from it, everything else
# (the desk, writes, transactions, commands) uses the primary. See docs/deploy.md on lag.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["newsroom.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(1, "newsroom.db_router.ReplicaReadsMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://newsroom")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, without a new redis-py client per operation (see the module).
    CACHES["default"]["BACKEND"] = "newsroom.redis_cache.ReusingRedisCache"
# How long a public page may be served from the shared cache (and a CDN), and by browsers.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
PAGE_BROWSER_SECONDS = env.int("PAGE_BROWSER_SECONDS", default=60)
# How many pages each process keeps a copy of beside the shared cache (articles/caching.py):
# ~20-40 KB an article or list page, ~200 KB a feed; 0 keeps none.
PAGE_CACHE_LOCAL_PAGES = env.int("PAGE_CACHE_LOCAL_PAGES", default=500)
# With a local-memory cache: the file through which every process on this machine learns of
# a purge (articles/machine_generation.py); empty: beside the SQLite database.
PAGE_CACHE_GENERATION_FILE = env.str("PAGE_CACHE_GENERATION_FILE", default="")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The public site's language; each article page speaks its article's language.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = env.str("STATIC_URL", default="/static/")
# Hashed, compressed file names in production (after collectstatic); plain names while
# developing and in tests, whose servers find files in static/ directly.
STATIC_HASHED = env.bool("STATIC_HASHED", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploaded originals, metadata and all, kept for re-cropping and never served.
    "originals": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("ORIGINALS_ROOT", default=str(BASE_DIR / "originals"))},
    },
    "staticfiles": {
        "BACKEND": "newsroom.staticfiles.HashedStaticFiles"
        if STATIC_HASHED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Media (and the private originals) on S3-compatible object storage through django-storages,
# when MEDIA_STORAGE=s3 or a bucket is named; files on local disk otherwise. Credentials come
# from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the host's role, never from this file.
MEDIA_BUCKET = env.str("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="s3" if MEDIA_BUCKET else "filesystem")
if MEDIA_STORAGE not in ("filesystem", "s3"):
    raise ImproperlyConfigured("MEDIA_STORAGE must be “filesystem” or “s3”.")
if MEDIA_STORAGE == "s3":
    if not MEDIA_BUCKET:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (media bucket).")
    S3_CONNECTION = {
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **S3_CONNECTION,
            "bucket_name": MEDIA_BUCKET,
            # Public media (a CDN or the bucket's own host) needs no signed addresses.
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=86400"},
        },
    }
    if env.str("AWS_ORIGINALS_BUCKET_NAME", default=""):
        STORAGES["originals"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **S3_CONNECTION,
                "bucket_name": env.str("AWS_ORIGINALS_BUCKET_NAME"),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    # Pages show media from the bucket's host: the Content Security Policy must allow it.
    if STORAGES["default"]["OPTIONS"]["custom_domain"]:
        default_media_origins = [f"https://{STORAGES['default']['OPTIONS']['custom_domain']}"]
    elif S3_CONNECTION["endpoint_url"]:
        endpoint = urlsplit(S3_CONNECTION["endpoint_url"])
        default_media_origins = [
            f"{endpoint.scheme}://{endpoint.netloc}", f"{endpoint.scheme}://*.{endpoint.netloc}"
        ]
    else:
        default_media_origins = ["https://*.amazonaws.com"]
    MEDIA_ORIGINS = env.list("MEDIA_ORIGINS", default=default_media_origins)
else:
    MEDIA_ORIGINS = []
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
# Files from another host (a CDN in front of static files or media) must be allowed by the
# Content Security Policy below.
STATIC_ORIGINS = [url_origin(STATIC_URL)] if url_origin(STATIC_URL) else []
if url_origin(MEDIA_URL) not in (None, *MEDIA_ORIGINS):
    MEDIA_ORIGINS.append(url_origin(MEDIA_URL))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Limits for uploaded and imported images, checked before a file is decoded.
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=30 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=60_000_000)
# Production serves media from object storage or the web server, not from Django.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)

# Production serves over HTTPS; HTTPS=false is for local development and tests over plain http.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Other sites learn our origin from a link, never the article's address (which can name a
# story before it is announced); our own pages still see full referrers.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Two-click videos: the provider's player loads in a frame only after the reader asks for it.
EMBED_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]

# Public pages: no third-party request, no inline script or style, no nonce (a cached page
# is served to everybody, so its header must not depend on one reader's request). The
# JSON-LD block is a data block, which browsers never run and CSP does not govern.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, *STATIC_ORIGINS],
    "style-src": [CSP.SELF, *STATIC_ORIGINS],
    "img-src": [CSP.SELF, *STATIC_ORIGINS, *MEDIA_ORIGINS],
    "media-src": [CSP.SELF, *MEDIA_ORIGINS],
    "font-src": [CSP.SELF, *STATIC_ORIGINS],
    "frame-src": EMBED_ORIGINS,
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The desk (Django admin, prose editor, focal-point picker): scripts only from our origin or
# with the request's nonce (the editor's import map is inline); styles may be inline, because
# the editor injects its stylesheet and the admin sets style attributes. Never cached.
ADMIN_CSP = SECURE_CSP | {
    "script-src": [CSP.SELF, *STATIC_ORIGINS, CSP.NONCE],
    "style-src": [CSP.SELF, *STATIC_ORIGINS, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *STATIC_ORIGINS, *MEDIA_ORIGINS],
    "font-src": [CSP.SELF, "data:", *STATIC_ORIGINS],
}

# Browser features we never use are switched off for our pages and any frame in them; the
# video players keep what they need to play (fullscreen, picture-in-picture and so on).
PERMISSIONS_POLICY = {
    **{feature: [] for feature in (
        "accelerometer", "ambient-light-sensor", "bluetooth", "browsing-topics", "camera",
        "display-capture", "geolocation", "gyroscope", "hid", "idle-detection",
        "interest-cohort", "local-fonts", "magnetometer", "microphone", "midi", "payment",
        "serial", "usb", "xr-spatial-tracking",
    )},
    **{feature: ["self", *EMBED_ORIGINS] for feature in (
        "autoplay", "encrypted-media", "fullscreen", "picture-in-picture",
    )},
}

LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in hardening (README "Sign-in"). Every counter and every second-factor state lives in
# the database, never in one app server's memory.
# Editors, chief editors and superusers need a second factor; reporters may add one. Only a
# DEBUG development server (`make run`) may let the demo logins skip it.
DESK_2FA_REQUIRED = env.bool("DESK_2FA_REQUIRED", default=True)
if not DESK_2FA_REQUIRED and not DEBUG:
    raise ImproperlyConfigured(
        "DESK_2FA_REQUIRED=false is for the development server only (it needs DEBUG=true). "
        "Remove it from the production environment."
    )
OTP_TOTP_ISSUER = env.str("NEWSROOM_NAME", default="Newsroom")
# Superusers remove a colleague's lost device in the admin, but never read its secret: no TOTP
# key, QR code or backup codes there (with them one could sign in as that colleague).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys (django-otp-webauthn) as a second factor only: never instead of the password, so
# the lockouts below always apply. A passkey belongs to the host name it was made on; the
# allowed origin is the request's own, whose host ALLOWED_HOSTS has already vetted.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_RP_ID_CALLABLE = "articles.twofactor.passkey_domain"
OTP_WEBAUTHN_HELPER_CLASS = "articles.twofactor.PasskeyHelper"
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]  # OTP_WEBAUTHN_ALLOWED_ORIGINS: see the helper
# Wrong codes double the wait before the next try (1 s, 2 s, 4 s … up to an hour), per device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Failed sign-ins: after AXES_FAILURE_LIMIT failures for one username, or from one address,
# that username or address is refused for SIGNIN_LOCKOUT_MINUTES after its last failure.
AXES_FAILURE_LIMIT = env.int("SIGNIN_FAILURE_LIMIT", default=5)
SIGNIN_LOCKOUT_MINUTES = env.int("SIGNIN_LOCKOUT_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "articles.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "articles.signin.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins go to our audit log instead
AXES_VERBOSE = False
# How many proxies in front of the app append to X-Forwarded-For (nginx, a load balancer).
# 0: the header is ignored and the connecting address counts, since any client can send it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Sessions live in the database (Django's default engine): any app server can serve any
# signed-in request; nothing a request needs is kept in one process's memory.

# The newsroom's public identity.
NEWSROOM_NAME = env.str("NEWSROOM_NAME", default="Newsroom")
NEWSROOM_SOCIAL = {
    "facebook": env.str("NEWSROOM_FACEBOOK_URL", default=""),
    "linkedin": env.str("NEWSROOM_LINKEDIN_URL", default=""),
    "mastodon": env.str("NEWSROOM_MASTODON_URL", default=""),
    "bluesky": env.str("NEWSROOM_BLUESKY_URL", default=""),
    "rss": env.str("NEWSROOM_RSS_URL", default="/feeds/rss/"),
}
PREVIEW_LINK_MAX_AGE = env.int("PREVIEW_LINK_MAX_AGE", default=48 * 3600)
# The public address (scheme and host, e.g. https://news.example.org): exports that leave the
# site, such as ninjs, name pictures by absolute address and build them from it.
NEWSROOM_URL = env.str("NEWSROOM_URL", default="").rstrip("/")

# "Climate" and "climate" are one tag: the desk's tag field and imports reuse the tag whatever
# the case it was first written in.
TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
