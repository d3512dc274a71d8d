"""Django settings for Digest. Every value comes from the environment (see README)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from digest.embedded_db import ensure_server

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}"
        ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# Core

DEBUG = env_bool("DEBUG", default=False)


# Django's own deploy check (security.W009): a key shorter or plainer than this can
# be guessed, and with it sessions and password-reset links forged.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if (
        key
        and not DEBUG
        and (
            len(key) < SECRET_KEY_MIN_LENGTH
            or len(set(key)) < SECRET_KEY_MIN_UNIQUE
            or key.startswith("django-insecure")
        )
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak: use at least {SECRET_KEY_MIN_LENGTH} random "
            "characters, e.g. from `python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'`"
        )
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Development: generate one secret once and keep it, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin with two-factor sign-in for staff (digest/admin_site.py).
    "digest.admin_apps.DigestAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    # Sessions (SESSION_ENGINE below) and `manage.py clearsessions`.
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    # Form widget templates, found through TEMPLATES (see FORM_RENDERER).
    "django.forms",
    "taggit",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_prose_editor",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "digest",
    "background",
    "accounts",
    "articles",
    # On top of the others: it imports articles, accounts and digest.
    "wordpress",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "digest.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so cached pages get ETag/Last-Modified 304s too.
    "django.middleware.http.ConditionalGetMiddleware",
    # Inside ConditionalGet (it sets a per-encoding ETag the 304 check compares),
    # outside everything that reads or writes the body; passes the page cache's
    # compressed pages through. digest/cache/compress.py.
    "digest.cache.compress.CompressionMiddleware",
    # Old URLs (slug changes, an imported site's links) → 301; before the page
    # cache, which would answer "/?p=42" with the home page. digest/redirects.py.
    "digest.redirects.RedirectMiddleware",
    # Before sessions, CSRF and auth: a hit skips them all (no query); a miss
    # sees the final response, cookies included. See digest/cache/.
    "digest.cache.pages.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.ReadingHistoryMiddleware",
    # After authentication: the admin's times in the staff member's own zone.
    "digest.timezones.AdminTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
    # A 400 for a value the database cannot take (a NUL byte, "abc" as an id).
    "digest.middleware.BadInputMiddleware",
    # Last, so its process_exception sees a database error first and answers 503.
    "digest.middleware.DatabaseUnavailableMiddleware",
]

# Widgets render through TEMPLATES, so templates/ may override one of the admin's
# (templates/admin/widgets/split_datetime.html labels the date and time inputs).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "digest.urls"
WSGI_APPLICATION = "digest.wsgi.application"
ASGI_APPLICATION = "digest.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Django's default loaders, with templates/ read through one that drops
            # the indentation of its HTML (digest/template_loaders.py), all cached.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "digest.template_loaders.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "digest.context_processors.site",
            ],
        },
    },
]

# Database
#
# PostgreSQL only. DATABASE_URL names a server; without it an embedded server
# is started (once, shared by every process) with its data under var/.

EMBEDDED_PGDATA = Path(env_str("EMBEDDED_PGDATA") or VAR_DIR / "pgdata")


def _database() -> dict:
    url = env_str("DATABASE_URL")
    if url:
        try:
            parsed = dj_database_url.parse(url)
        except Exception as exc:
            raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
        if parsed.get("ENGINE") != "django.db.backends.postgresql":
            raise ImproperlyConfigured(
                "DATABASE_URL must be a postgres:// or postgresql:// URL"
            )
        if not parsed.get("NAME"):
            raise ImproperlyConfigured(
                "DATABASE_URL names no database (postgres://…/NAME)"
            )
        options = parsed.pop("OPTIONS", {})
        if not parsed.get("HOST") and "host" in options:  # ?host=/socket/dir
            parsed["HOST"] = options.pop("host")
    else:
        parsed = ensure_server(EMBEDDED_PGDATA)
        options = {}
    options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
    # Threshold 0: the statements digest/prepared.py sends bound on the server are
    # prepared on their first run; the ORM's are bound on the client and never are.
    options["prepare_threshold"] = (
        0 if env_bool("DATABASE_PREPARED", default=True) else None
    )
    pool = env_bool("DATABASE_POOL", default=True)
    if pool:
        # With CONN_HEALTH_CHECKS Django makes the pool check each connection it
        # hands out, so one broken while the server was down is replaced and the
        # site recovers on its own. The timeout makes a request fail fast instead
        # of hanging while the database is away.
        options["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 1),
            "max_size": env_int("DATABASE_POOL_MAX", 8),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 3),
        }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parsed["NAME"],
        "USER": parsed.get("USER", ""),
        "PASSWORD": parsed.get("PASSWORD", ""),
        "HOST": parsed.get("HOST", ""),
        "PORT": str(parsed.get("PORT") or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": 0,  # the pool keeps connections; Django must not
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": f"test_{parsed['NAME']}"},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache
#
# CACHE_URL: file:// (default: files under var/cache, shared by every process on
# the machine), file:///path, redis://host:port/db, locmem:// (one process
# only), dummy://. CACHE_MAX_ENTRIES: entries the file cache keeps.
CACHE_MAX_ENTRIES = env_int("CACHE_MAX_ENTRIES", 30000)
# FRAGMENT_CACHE_MAX_ENTRIES: articles whose cards the file cache's fragments keep
# (one entry per article, all its card styles: digest/cache/fragments.py).
FRAGMENT_CACHE_MAX_ENTRIES = env_int("FRAGMENT_CACHE_MAX_ENTRIES", 250000)


def _cache(alias: str = "default") -> dict:
    url = env_str("CACHE_URL", "file://")
    if url.startswith("file://"):
        location = Path(url.removeprefix("file://") or VAR_DIR / "cache")
        entries = CACHE_MAX_ENTRIES
        if alias == "fragments":
            # A folder of its own: pages' churn must not cull the archive's cards.
            location, entries = location / "fragments", FRAGMENT_CACHE_MAX_ENTRIES
        return {
            "BACKEND": "digest.cache.backends.FileCache",
            "LOCATION": str(location),
            "OPTIONS": {"MAX_ENTRIES": entries, "CULL_FREQUENCY": 4},
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "digest",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    if url.startswith("locmem://"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": alias,
        }
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        "CACHE_URL must start with file://, redis://, locmem:// or dummy://"
    )


CACHES = {"default": _cache(), "fragments": _cache("fragments")}

# Authentication

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account or address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend; the sign-in form can tell a deactivated account.
    "accounts.auth.AccountBackend",
]
# Two-factor sign-in (django-otp): on, the admin refuses staff who have not
# confirmed an authenticator app and entered its code (digest/admin_site.py).
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", default=False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Digest")
# Brute-force protection (django-axes, accounts/lockout.py): failures count per
# account and address together; an address alone has its own, higher limit. A
# lock lasts LOGIN_LOCKOUT_MINUTES from the failure that set it.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 50)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
if (
    min(LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS, LOGIN_LOCKOUT_MINUTES)
    < 1
):
    raise ImproperlyConfigured(
        "LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS and "
        "LOGIN_LOCKOUT_MINUTES must be at least 1"
    )
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "digest.net.client_ip"  # honours NUM_PROXIES
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Security

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Django's cached_db sessions (in the database, read through the default cache: the
# shared file cache, or Redis with CACHE_URL=redis://): a signed-in page reads its
# session from the cache and its user with one query. digest/sessions.py only
# refuses forged keys. README "Caching and performance" has the figures.
SESSION_ENGINE = "digest.sessions"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading is opted into with the header; submitting the domain stays a manual step.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): no inline scripts or styles anywhere, the
# admin included; embedded video only from the allowlisted players.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # NONCE only where a page reads request.csp_nonce (the admin's article
        # editor: its import map is an inline script); gone everywhere else.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": [
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Uploads
#
# MAX_IMAGE_PIXELS: an uploaded image (all frames of an animated GIF together) with
# more pixels is refused from its header, before decoding; a decoded picture takes
# 3-4 bytes a pixel, so the default keeps one upload near 100 MB of memory. Pillow's
# own decompression-bomb guard is set from it too (digest/apps.py).
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 25_000_000)
if MAX_IMAGE_PIXELS < 1_000_000:
    raise ImproperlyConfigured("MAX_IMAGE_PIXELS must be at least 1000000")

# Email
#
# EMAIL_BACKEND: file (var/mail, the default with DEBUG on), console, or smtp
# (the default with DEBUG off, configured by EMAIL_HOST and friends).

_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = env_str("EMAIL_BACKEND", "file" if DEBUG else "smtp")
if _email_backend not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured("EMAIL_BACKEND must be one of console, file, smtp")
EMAIL_BACKEND = _EMAIL_BACKENDS[_email_backend]
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Digest <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalization

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static and media files

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "digest" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# WordPress exports uploaded in the admin (drafts, private posts): kept out of
# MEDIA_ROOT, which the web server publishes.
WORDPRESS_IMPORT_ROOT = Path(
    env_str("WORDPRESS_IMPORT_ROOT") or BASE_DIR / "var" / "wordpress-imports"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# gunicorn serves MEDIA_ROOT itself (no nginx in front: `make serve` without it).
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=False)

# Page cache (digest/cache/)

# Seconds an anonymous reader's page may be served from the cache (0: off).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
if not 0 <= PAGE_CACHE_SECONDS <= 3600:
    # Cached article pages carry a view-counting token valid for six hours.
    raise ImproperlyConfigured("PAGE_CACHE_SECONDS must be between 0 and 3600")

# View counting (articles/counting.py)

# Count views in Redis and let `manage.py flush_views` write them in batches.
VIEW_COUNT_BUFFER = env_bool("VIEW_COUNT_BUFFER", default=False)
if VIEW_COUNT_BUFFER and not CACHES["default"]["BACKEND"].endswith("RedisCache"):
    raise ImproperlyConfigured("VIEW_COUNT_BUFFER needs CACHE_URL=redis://…")
# Trusted reverse proxies in front of the app; the client address is read from
# X-Forwarded-For only when this is set.
NUM_PROXIES = env_int("NUM_PROXIES", 0)
# Beacons per minute from one address (anonymous) or account (signed in), counted
# in the database across workers (0: no limit, for benchmarks).
VIEW_COUNT_RATE_LIMIT = env_int("VIEW_COUNT_RATE_LIMIT", 60)

# Background work (background/, README "Background work")
#
# Tasks are rows in PostgreSQL (django-tasks-db); `manage.py worker` runs them.

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Runs in all of a task that raises before it is kept as failed (a task may set
# its own with background.queue.max_attempts).
TASKS_MAX_ATTEMPTS = env_int("TASKS_MAX_ATTEMPTS", 5)
# Seconds before the first retry; each later one waits twice as long (at most 6 h).
TASKS_RETRY_DELAY = env_int("TASKS_RETRY_DELAY", 30)
# Seconds without a heartbeat after which a worker counts as gone and its task
# is run again by another; it beats every quarter of this.
TASKS_WORKER_LEASE = env_int("TASKS_WORKER_LEASE", 60)
if TASKS_MAX_ATTEMPTS < 1 or TASKS_RETRY_DELAY < 0 or TASKS_WORKER_LEASE < 4:
    raise ImproperlyConfigured(
        "TASKS_MAX_ATTEMPTS must be at least 1, TASKS_RETRY_DELAY at least 0 and "
        "TASKS_WORKER_LEASE at least 4 (seconds)"
    )
# Jobs the worker enqueues once per period, whichever worker gets there first.
TASKS_SCHEDULE = {
    "clearsessions": {
        "task": "background.tasks.clear_sessions",
        "every": timedelta(days=1),
    },
    "prune_task_results": {
        "task": "background.tasks.prune_task_results",
        "every": timedelta(days=1),
    },
    "flush_views": {
        "task": "articles.tasks.flush_views",
        "every": timedelta(minutes=1),
    },
}

# Tags

TAGGIT_CASE_INSENSITIVE = True

# Logging

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
