"""Settings for the meeting directory, read from the environment.

Development works with nothing set: debug on, an SQLite file under var/. Production sets
DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and usually DATABASE_URL; a missing
secret key or host list then stops the process rather than running with an unsafe default.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Only ever used with debug on; never valid for a deployed site.
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before admin, so admin's forms show each translated field in every language.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "axes",
    "csp",
    "groups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that even a refused request or an outage page speaks the page's language.
    "groups.middleware.LanguageFromPathMiddleware",
    "csp.middleware.CSPMiddleware",
    "groups.middleware.PermissionsPolicyMiddleware",
    "groups.middleware.ControlCharacterMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so it is the first to see an exception from a view or its template.
    "groups.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "directory.urls"
WSGI_APPLICATION = "directory.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "groups.context_processors.site",
            ],
        },
    },
]

# Unset DATABASE_URL means the embedded database: one SQLite file under var/.
DEFAULT_SQLITE_PATH = BASE_DIR / "var" / "directory.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets gunicorn workers read while one writes; a busy timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The tests' database is a file too: an in-memory one is shared between threads in SQLite's
    # shared-cache mode, whose table locks fail at once instead of waiting out the timeout.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}


def postgresql_options(database):
    """The connection options of a PostgreSQL database (primary or replica)."""
    options = database.setdefault("OPTIONS", {})
    # A server out of reach fails the request within seconds (a 503 page) instead of holding a
    # worker until the operating system gives up; ?connect_timeout=N in DATABASE_URL overrides.
    options.setdefault("connect_timeout", 5)
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Values go to the server apart from the SQL text, and a statement run five times on a
        # connection is prepared there: each kind of search sends the same text whatever the
        # place or minute (groups/search/formula.py), so the server stops parsing and planning
        # it again, half a millisecond of a search. A pooler that cannot keep prepared
        # statements (PgBouncer in transaction mode before 1.21) needs this set to false.
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 5)


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    postgresql_options(DATABASES["default"])

# Searches and feeds may read from a replica (groups/databases.py); writes and admin never do.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        postgresql_options(DATABASES["replica"])
    # Tests read the replica's rows from the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["groups.databases.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache (rate limits, network geocoder answers): Redis when REDIS_URL is set, else the
# database cache, which every gunicorn worker shares without another service to run.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    SHARED_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # A Redis out of reach fails the request in seconds; the rate limits then refuse it.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
else:
    SHARED_CACHE = {
        "BACKEND": os.environ.get(
            "DJANGO_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"
        ),
        "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", "django_cache"),
    }
    if SHARED_CACHE["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
        # Past MAX_ENTRIES it deletes a third of its rows, live rate-limit counts among them;
        # the default of 300 is ten slots each for only thirty clients.
        SHARED_CACHE["OPTIONS"] = {"MAX_ENTRIES": 100_000}
CACHES = {
    "default": SHARED_CACHE,
    # Rendered page fragments that are the same for every visitor, kept in each process.
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

# Signing in (django-axes): after DJANGO_LOGIN_FAILURE_LIMIT failures in a row, one username from
# one client address is refused, even with the right password, for DJANGO_LOGIN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # First: refuses a locked-out pair before any check.
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "groups.throttle.client_address"  # The one reader of X-Forwarded-For.
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Trying again while locked out does not lengthen the lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful sign-ins are not recorded; the log names the username tried, never the password
# nor the address (the address stays in the attempts table, which drops attempts older than the
# lockout at every sign-in).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["ip_address", "user_agent"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS 2.1.1: at least 12 characters.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at /..., Spanish at /es/... (directory/urls.py). Another language is a catalog under
# locale/ and a line here (README, "Translating").
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Program texts and format names are kept in every language (django-modeltranslation); a text
# not yet translated shows in English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# In development WhiteNoise serves straight from the finders (and looks again on each request,
# also under the test runner, which turns DEBUG off); production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files browsers ask for at the site's root: /favicon.ico and the icons. (The web app manifest
# is a page of its own, in each language: groups.views.pages.manifest.)
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Mail to editors about suggestions. Without DJANGO_EMAIL_BACKEND, development prints it to the
# console; production sends none and says so once at start (groups.apps): printed, each message
# and the submitter's address would end up in the server's log.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.dummy.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "directory@localhost")

# Security: production turns these on; development over plain HTTP keeps them off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
if not DEBUG:
    # Browsers keep a __Host- cookie to HTTPS and to this very host (no subdomain can set it).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading is hard to undo (browsers ship the list for months): asked for, never assumed.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "not preloaded": a choice, made above.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Nothing about a visitor is logged: request lines carry the places people search for, so the
# development server's request log is silenced and gunicorn runs without an access log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        # The site's own lines (outages, failed mail, mail off); never a visitor's data.
        "groups": {"handlers": ["console"], "level": "INFO"},
        # One line for each failed sign-in and each lockout.
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
}

# Geocoding: "gazetteer" (offline, the default) or "nominatim" (network, OpenStreetMap).
GEOCODER = os.environ.get("GEOCODER", "gazetteer")
GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "meeting-directory")
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "5"))
# Nominatim's server: the public OpenStreetMap one unless you run your own.
GEOCODER_DOMAIN = os.environ.get("GEOCODER_DOMAIN", "nominatim.openstreetmap.org")
GEOCODER_SCHEME = os.environ.get("GEOCODER_SCHEME", "https")
# How long a network geocoder's answers are kept in the cache.
GEOCODER_CACHE_SECONDS = int(os.environ.get("GEOCODER_CACHE_SECONDS", str(30 * 24 * 3600)))

# Fetching meeting sources (groups/importers/fetch.py). Private and loopback addresses are
# refused unless allowed here, for a source on your own network.
SOURCES_ALLOW_PRIVATE_ADDRESSES = env_bool("DJANGO_SOURCES_ALLOW_PRIVATE_ADDRESSES", False)
SOURCE_FETCH_TIMEOUT = float(os.environ.get("DJANGO_SOURCE_FETCH_TIMEOUT", "30"))
SOURCE_MAX_BYTES = int(os.environ.get("DJANGO_SOURCE_MAX_MB", "50")) * 1024 * 1024

# Map tiles: no URL, no map and no outside request.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")


def tile_origin(url):
    """The origin a tile URL template loads from: https://{s}.tile.example.org/... gives
    https://*.tile.example.org."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Content-Security-Policy (django-csp): everything from the site itself, scripts and styles only
# from its static files (no inline script, style or handler in any template), images also as
# data: URLs (Leaflet's blank tile), and from the tile server when a map is configured.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *filter(None, [tile_origin(MAP_TILE_URL)])],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The browser may locate the visitor for this site ("use my location", on request) and nothing
# else: no camera, microphone, payment or device access for the site or anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=(self)" if feature == "geolocation" else f"{feature}=()"
    for feature in [
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    ]
)  # fmt: skip
