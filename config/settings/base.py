"""What every kind of run shares. Every knob is read from the environment here and nowhere
else; local.py, production.py and test.py add what differs (see the README's Configuration)."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.database import database_settings, replica_settings, uses_embedded_database

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
LOCAL_HOSTS = "localhost,127.0.0.1,[::1]"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation asks: its admin classes patch the admin's.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "axes",
    "reversion",
    "procrastinate.contrib.django",
    "core",
    "profiles",
    "publications",
    "events",
    "cv",
    "inbox",
    "scholarfolio",
]

# Django's database sessions, refusing cookies that hold no key Django makes (core/sessions.py).
SESSION_ENGINE = "core.sessions"

MIDDLEWARE = [
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.replica.PublicReadMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the cache and the 304s, so that every API answer, cached or not, and every
    # 304 carries the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Before the language middleware, so that a hit activates no language: the cache takes
    # the language from the URL's prefix (the API's from Accept-Language) itself, and stores
    # the pages with the headers these add.
    "core.cache.PublicPageCacheMiddleware",
    # core.i18n picks the API's language from Accept-Language and the admin's from the
    # editor's choice.
    "django.middleware.locale.LocaleMiddleware",
    "core.i18n.LanguageMiddleware",
    "core.middleware.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.i18n.EditorLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside the header middleware above, so its 400s and 414s carry their headers.
    "core.middleware.BadAddressMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin brute-force protection: five failed logins for one user name from one address lock
# that pair out for an hour; every failure and lockout is logged.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Everything the pages use is served from this site; no inline script anywhere. The Redoc
# page alone relaxes styles (scholarfolio/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "scholarfolio.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "profiles.context_processors.site",
            ],
        },
    },
]

EMBEDDED_DATABASE = uses_embedded_database()
DATABASES = {"default": database_settings(BASE_DIR)}
# Public reads go to a read replica when one is given (core/replica.py); tests read the
# primary through it, as a mirror.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_settings(DATABASE_REPLICA_URL)
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en"
# English at the site's addresses as they were, Simplified Chinese under /zh-hans/ (the
# README's Languages). Content fields with a Chinese version fall back to English.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
# Uploads on local disk, or in an S3-compatible bucket (django-storages) when one is named;
# boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment itself.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
MEDIA_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SITE_NAME = os.environ.get("SITE_NAME", "Scholarfolio")
# Sent with every request to ORCID, Crossref, arXiv and OpenAlex, as their etiquette asks.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "webmaster@localhost")
# OpenAlex answers only requests carrying a key (free, openalex.org/settings/api) since
# February 2026: citation syncs and the works inbox's harvests send it.
OPENALEX_API_KEY = os.environ.get("OPENALEX_API_KEY", "")

# The job queue (procrastinate, in this database): the works inbox's harvests. Its worker
# runs beside the site (make run; the worker service of docker-compose.yml).
PROCRASTINATE_WORKER_DEFAULTS = {"concurrency": 1}

# The default cache (the API's throttles, small lookups): each process's memory, or Redis
# shared by every process when REDIS_URL is set. Public pages and API data (core/cache.py)
# are stored in "pages", which every process shares: Redis with REDIS_URL, else a table in
# PostgreSQL; each process keeps the pages it served last in "pages-local" in front of it.
# Redis going away means no cache, not errors: its failures are logged and ignored.
REDIS_URL = os.environ.get("REDIS_URL", "")
LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"
# Pages are keyed by the versions of what they show, so they can be kept long: an edit
# empties the pages showing it, whatever their age.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", str(24 * 3600)))
PAGE_CACHE_LOCAL_ENTRIES = int(os.environ.get("PAGE_CACHE_LOCAL_ENTRIES", "500"))
# A page an edit has just retired may still be answered this long (seconds) while one
# process makes it again, so that no reader waits on an edit's render (core.cache.Held).
# Off by default: within it, what an edit hid is still shown to anonymous readers.
PAGE_CACHE_GRACE_SECONDS = float(os.environ.get("PAGE_CACHE_GRACE_SECONDS", "0"))
if REDIS_URL:
    REDIS_OPTIONS = {
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
        "IGNORE_EXCEPTIONS": True,
    }
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_OPTIONS,
        },
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
            "OPTIONS": REDIS_OPTIONS,
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {"BACKEND": LOCAL_MEMORY, "OPTIONS": {"MAX_ENTRIES": 5000}},
        # The table is made by core's migration 0004.
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "core_page_cache",
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        },
    }
CACHES["pages-local"] = {
    "BACKEND": "core.local_cache.ObjectMemoryCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_LOCAL_ENTRIES},
}
# What each address asked for resolves to (core/cache.py), a few hundred bytes apiece: apart
# from the pages, so as not to take their room.
CACHES["page-routes"] = {
    "BACKEND": "core.local_cache.ObjectMemoryCache",
    "LOCATION": "page-routes",
    "OPTIONS": {"MAX_ENTRIES": 20 * PAGE_CACHE_LOCAL_ENTRIES},
}
# Each process keeps the content version, told of changes by PostgreSQL's NOTIFY (see
# core/changes.py); not with a replica, whose pages must be keyed by the replica's version.
CONTENT_VERSION_LISTEN = (
    os.environ.get("CONTENT_VERSION_LISTEN", "true").lower() == "true" and not DATABASE_REPLICA_URL
)

# The read-only JSON API under /api/v1/: anonymous, so no authentication and no sessions.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["core.filters.FilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.AnonThrottle"],
    # Empty: no limit (a load test from one address; DRF's history of a client's requests
    # grows with the rate, and is read and written on every request).
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_THROTTLE_RATE", "600/minute") or None},
    # Proxies in front of the site that append to X-Forwarded-For; 0 trusts REMOTE_ADDR only,
    # so a client cannot dodge the throttle by sending the header itself.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.ApiSchema",
    "URL_FORMAT_OVERRIDE": "format",
}
API_PAGE_SIZE = 20
API_MAX_PAGE_SIZE = 100
API_CACHE_SECONDS = int(os.environ.get("API_CACHE_SECONDS", "60"))

SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": (
        "Read-only data of the site: researchers with their profiles, publications, talks, "
        "events, venues and organizations. Anonymous; hidden and draft records never appear."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ResearcherRoleEnum": "profiles.models.Researcher.Role",
        "TeachingRoleEnum": "profiles.models.Teaching.Role",
        "HostRoleEnum": "events.models.TalkHost.Role",
        "InvestigatorRoleEnum": "cv.models.GrantInvestigator.Role",
    },
}

CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "X-Total-Count", "Retry-After"]

LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
# One JSON object per line on stdout (LOG_FORMAT=text for people reading a terminal).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    # While the database is down, one line per outage instead of a traceback per request.
    "filters": {"database_outage": {"()": "core.outage.OutageLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "loggers": {"django.request": {"filters": ["database_outage"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
