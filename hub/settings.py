"""The one settings module, driven by environment variables (12-factor).

Every variable is listed in the README's configuration table. Data (database, media,
search index, the generated secret key) lives under ``HUB_DATA_DIR`` (default ``./var``).
"""

import importlib.util
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from hub.plugins import plugin_apps
from hub.themes import staticfiles_dirs, template_dirs, theme_chain

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("HUB_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)


def _secret_key() -> str:
    """Use HUB_SECRET_KEY, else one generated once and kept in the data folder."""
    if os.environ.get("HUB_SECRET_KEY"):
        return os.environ["HUB_SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("HUB_DEBUG")
ALLOWED_HOSTS = env_list("HUB_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("HUB_CSRF_TRUSTED_ORIGINS")

# Plugins: first-party ones are listed here; entry points of group "hub" are added by
# hub.plugins without importing them (phase 1 of discovery, see docs/writing_plugins.md).
HUB_PLUGINS = env_list(
    "HUB_PLUGINS",
    "plugins.feedback,plugins.wordimport,plugins.taskboard,plugins.approvals,plugins.chat",
)
HUB_BLOCKED_PLUGINS = env_list("HUB_BLOCKED_PLUGINS")
HUB_LOAD_ENTRY_POINTS = env_bool("HUB_LOAD_ENTRY_POINTS", True)

INSTALLED_APPS = [
    "hub.core",
    "hub.search",
    "hub.collab",
    "hub.doctemplates",
    "hub.notifications",
    "hub.export",
    "hub.ops",
    "hub.dashboards",
    "hub.archiving",
    *plugin_apps(HUB_PLUGINS, blocked=HUB_BLOCKED_PLUGINS, entry_points=HUB_LOAD_ENTRY_POINTS),
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hub.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hub.urls"
ASGI_APPLICATION = "hub.asgi.application"

# Themes: HUB_THEME selects one folder of themes/; it falls back to its parents.
HUB_THEME = os.environ.get("HUB_THEME", "default")
try:
    THEMES = theme_chain(BASE_DIR / "themes", HUB_THEME)
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from error

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": template_dirs(THEMES),
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hub.core.context_processors.hub",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{DATA_DIR / 'hub.sqlite3'}",
        conn_max_age=0,
    )
}
ON_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if ON_POSTGRES:
    # The full-text search types and lookups (the "postgres" search backend uses them).
    INSTALLED_APPS.append("django.contrib.postgres")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests run on an on-disk SQLite file, like production, not in memory.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = os.environ.get("HUB_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "hub" / "locale"]
TIME_ZONE = os.environ.get("HUB_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = staticfiles_dirs(THEMES)
# The embedded default serves files straight from the finders; `hub collectstatic`
# fills STATIC_ROOT for a proxy in front of a scaled-out site.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
# Media is never served as-is: attachments go through a permission-checked view.
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
HUB_MAX_ATTACHMENT_BYTES = int(os.environ.get("HUB_MAX_ATTACHMENT_MB", "25")) * 1024 * 1024

# Background tasks (django-tasks). "default" keeps Wagtail's housekeeping inline, as it was;
# "hub" holds work that must happen later and survive restarts (approval deadlines): rows in
# the database that `hub worker` (started by `hub serve`) runs when they are due.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "hub": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
HUB_TASK_BACKEND = "hub"

# Scale-out (docs/deploy.md). REDIS_URL (redis://host:6379/0) carries the channel layer,
# through which co-editing rooms and chat rooms of different processes meet, and the cache;
# without it they live in this one process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis pub/sub: a message reaches the processes listening now, at once (no polling),
    # and nothing is kept for those that are not; whatever a process misses is repaired
    # by the rooms' state-vector sync and the chat's resume on reconnect.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "hub"},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hub",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The default for `hub serve --workers`: ASGI worker processes on one port. Several only
# meet each other (co-editing, chat) through Redis.
HUB_WORKERS = int(os.environ.get("HUB_WORKERS", "1"))
if HUB_WORKERS < 1:
    raise ImproperlyConfigured("HUB_WORKERS must be at least 1")
if HUB_WORKERS > 1 and not REDIS_URL:
    raise ImproperlyConfigured(
        "HUB_WORKERS above 1 needs REDIS_URL: co-editing and chat rooms in different worker"
        " processes meet through Redis"
    )

# Live co-editing (hub.collab; docs/collab.md). The CRDT engine: y_py or pycrdt (both Yrs).
HUB_COLLAB_ENGINE = os.environ.get("HUB_COLLAB_ENGINE") or (
    "y_py" if importlib.util.find_spec("y_py") else "pycrdt"
)
HUB_COLLAB_MAX_FRAME_BYTES = int(os.environ.get("HUB_COLLAB_MAX_FRAME_KB", "8192")) * 1024
# A room writes its text into a revision this long after the last edit, and at least
# this often while edits keep coming.
HUB_COLLAB_IDLE_CHECKPOINT_SECONDS = float(os.environ.get("HUB_COLLAB_IDLE_SECONDS", "5"))
HUB_COLLAB_CHECKPOINT_SECONDS = float(os.environ.get("HUB_COLLAB_CHECKPOINT_SECONDS", "60"))
# The update log is merged into the snapshot after this many updates.
HUB_COLLAB_COMPACT_AFTER = int(os.environ.get("HUB_COLLAB_COMPACT_AFTER", "500"))
# Rooms of one document in different processes compare state vectors this often.
HUB_COLLAB_SYNC_SECONDS = float(os.environ.get("HUB_COLLAB_SYNC_SECONDS", "10"))
# Connections re-check the user's access this often (revoked or deactivated: closed).
HUB_COLLAB_RECHECK_SECONDS = float(os.environ.get("HUB_COLLAB_RECHECK_SECONDS", "5"))
# A connection this many frames behind (its socket not taking writes) is closed with 1013.
HUB_COLLAB_MAX_BACKLOG = int(os.environ.get("HUB_COLLAB_MAX_BACKLOG", "10000"))

# Weekly reports (hub.doctemplates; docs/templates.md): `hub remind weekly-reports` reminds
# those who have not filed theirs once this moment of the week has passed.
HUB_WEEKLY_REPORT_DEADLINE = os.environ.get("HUB_WEEKLY_REPORT_DEADLINE", "FRI 18:00")

# Operations (hub.ops; docs/operations.md): /healthz says no worker runs once a task has
# been due this long; this many failed logins of one account within the window alert admins.
HUB_HEALTH_WORKER_GRACE_MINUTES = int(os.environ.get("HUB_HEALTH_WORKER_GRACE_MINUTES", "5"))
HUB_LOGIN_FAILURE_LIMIT = int(os.environ.get("HUB_LOGIN_FAILURE_LIMIT", "5"))
HUB_LOGIN_ALERT_WINDOW_MINUTES = int(os.environ.get("HUB_LOGIN_ALERT_WINDOW_MINUTES", "15"))

# Archiving (hub.archiving; docs/archiving.md): `hub archive propose` proposes spaces and
# documents with no activity for this many days.
HUB_ARCHIVE_AFTER_DAYS = int(os.environ.get("HUB_ARCHIVE_AFTER_DAYS", "365"))

# Email of notifications (hub.notifications): SMTP once HUB_EMAIL_HOST is set, else none.
EMAIL_HOST = os.environ.get("HUB_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.dummy.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("HUB_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("HUB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HUB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HUB_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("HUB_EMAIL_FROM", "hub@localhost")

WAGTAIL_SITE_NAME = os.environ.get("HUB_SITE_NAME", "Hub")
WAGTAILADMIN_BASE_URL = os.environ.get("HUB_BASE_URL", "http://127.0.0.1:8000")
# The search engine (docs/search.md, docs/deploy.md), by SEARCH_BACKEND: "whoosh" (the
# hub.search backend, an index folder on local disk); "postgres" (PostgreSQL full-text
# search over text segmented like Whoosh's, in the database itself: hub.search.postgres);
# "opensearch" or "elasticsearch" (Wagtail's own backends with the hub's segmentation,
# hub.search.opensearch / hub.search.elasticsearch, on the server at SEARCH_URL, in the
# indexes named after SEARCH_INDEX).
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh").strip().lower()
SEARCH_URL = os.environ.get("SEARCH_URL", "")
# Memory for the Whoosh backend's decoded postings (hub.search.engine), per process.
HUB_SEARCH_CACHE_MB = int(os.environ.get("HUB_SEARCH_CACHE_MB", "256"))
if SEARCH_BACKEND == "whoosh":
    WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "hub.search.backend", "PATH": str(DATA_DIR / "search-index")}
    }
elif SEARCH_BACKEND == "postgres":
    if not ON_POSTGRES:
        raise ImproperlyConfigured(
            "SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL (postgres://…)"
        )
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "hub.search.postgres"}}
elif SEARCH_BACKEND in ("opensearch", "elasticsearch"):
    if not SEARCH_URL:
        raise ImproperlyConfigured(f"SEARCH_BACKEND={SEARCH_BACKEND} needs SEARCH_URL")
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": {
                "opensearch": "hub.search.opensearch",
                "elasticsearch": "hub.search.elasticsearch",
            }[SEARCH_BACKEND],
            "URLS": [SEARCH_URL],
            # Wagtail names one index per model hierarchy: hub_wagtailcore_page, …
            "INDEX_PREFIX": os.environ.get("SEARCH_INDEX", "hub") + "_",
            "TIMEOUT": 10,
        }
    }
else:
    raise ImproperlyConfigured(
        f"SEARCH_BACKEND must be whoosh, postgres, opensearch or elasticsearch, not"
        f" {SEARCH_BACKEND!r}"
    )
WAGTAIL_I18N_ENABLED = False
TAGGIT_CASE_INSENSITIVE = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("HUB_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Served over HTTPS (a proxy in front, docs/deploy.md): redirect plain HTTP, except the
# health endpoint that load balancers probe, and ask browsers to use HTTPS only. uvicorn
# takes the scheme from a proxy's X-Forwarded-Proto (on loopback, or FORWARDED_ALLOW_IPS).
SECURE_SSL_REDIRECT = env_bool("HUB_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("HUB_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HUB_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("HUB_HSTS_PRELOAD")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Errors counted per day for the monthly operations report (hub.dashboards).
        "tally": {"class": "hub.dashboards.errors.TallyHandler", "level": "ERROR"},
    },
    "loggers": {
        "hub": {
            "handlers": ["console", "tally"],
            "level": os.environ.get("HUB_LOG_LEVEL", "INFO"),
        },
        # Tracebacks of server errors, which uvicorn does not print.
        "django.request": {
            "handlers": ["console", "tally"],
            "level": "ERROR",
            "propagate": False,
        },
    },
}

# Per-plugin settings, read with hub.plugins.plugin_config(name).
try:
    HUB_PLUGIN_CONFIG = json.loads(os.environ.get("HUB_PLUGIN_CONFIG", "{}"))
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"HUB_PLUGIN_CONFIG is not valid JSON: {error}") from error
