"""shopadmin settings: one module, configured from the environment.

With nothing set, the project runs on the embedded default: SQLite, a filesystem Celery broker and the
database cache, all under ``var/``. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and
DEBUG=false; ``shopadmin.checks`` reports what is missing.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is optional; the process environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("SHOPADMIN_VAR_DIR", default=str(BASE_DIR / "var")))
# The embedded default keeps its database, broker and uploads here; create it so any command works first time.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The development key is only used by the embedded default; the production check refuses it.
INSECURE_DEV_SECRET_KEY = "django-insecure-shopadmin-embedded-default-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "shopadmin",
    "products",
    "channels_sync",
    # Last: the apps above contribute panels to the catalog's admins in their ready(), before the admin's own
    # ready() imports the admin modules (products.extensions).
    "django.contrib.admin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shopadmin.urls"

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
            ],
        },
    },
]
# Django's form templates, the plainest of them (inputs, selects, labels, empty error lists) written out in
# Python: the same HTML, a fraction of the time on a product form's 400 widgets (shopadmin/renderers.py).
FORM_RENDERER = "shopadmin.renderers.WidgetRenderer"

WSGI_APPLICATION = "shopadmin.wsgi.application"

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Workers, beat and the web process share the file: wait for locks instead of failing at once,
    # and take the write lock at BEGIN so a read never has to be upgraded mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache in production; the embedded default needs no server ------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="shopadmin"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "shopadmin_cache",
        }
    }

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
# Results live in the database rows the tasks update (the outbox), so no result backend is needed.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# One queue per deployment (and per integration-test run, so parallel runs never take each other's jobs).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="shopadmin")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "Asia/Shanghai"
# Beat re-drives the outbox (a lost message, a dead worker or a Redis restart loses nothing) and pulls orders.
CELERY_BEAT_SCHEDULE = {
    "redrive-sync-jobs": {"task": "channels_sync.redrive_jobs", "schedule": env.float("SYNC_REDRIVE_SECONDS", 30.0)},
    "pull-orders": {"task": "channels_sync.pull_orders", "schedule": env.float("ORDERS_PULL_SECONDS", 300.0)},
    "poll-audits": {"task": "channels_sync.poll_audits", "schedule": env.float("AUDIT_POLL_SECONDS", 60.0)},
}
# How long a worker holds a job it claimed. A job still running after that is taken for one whose worker died and
# is re-driven (outcome unknown), so this must stay above the longest job; lower, a dead worker's job waits less.
SYNC_LEASE_SECONDS = env.int("SYNC_LEASE_SECONDS", default=120)
# Stock pushes (issue 11). The deltas of one job go out in this many threads (never inside a transaction).
SYNC_STOCK_THREADS = env.int("SYNC_STOCK_THREADS", default=4)
# The join window of a stock push (channels_sync/engine/join.py): a push written while another stock push of the shop
# was active within SYNC_JOIN_BURST_MS is part of a burst, and waits until the shop has seen no stock edit for
# SYNC_JOIN_QUIET_MS, at most SYNC_JOIN_MAX_MS after it was written (how stale a shop's stock may get during a
# sustained burst), so one call per SKU carries the burst. An isolated edit runs at once. SYNC_JOIN_QUIET_MS=0: off.
SYNC_JOIN_QUIET_MS = env.int("SYNC_JOIN_QUIET_MS", default=250)
SYNC_JOIN_MAX_MS = env.int("SYNC_JOIN_MAX_MS", default=15000)
SYNC_JOIN_BURST_MS = env.int("SYNC_JOIN_BURST_MS", default=250)

# Client-side quotas per shop (API reference §3.3): the Channels store's product add + update calls.
CHANNELS_PRODUCT_WRITES_PER_HOUR = env.int("CHANNELS_PRODUCT_WRITES_PER_HOUR", default=200)
CHANNELS_PRODUCT_WRITES_PER_DAY = env.int("CHANNELS_PRODUCT_WRITES_PER_DAY", default=1000)
MINISHOP_PRODUCT_WRITES_PER_HOUR = env.int("MINISHOP_PRODUCT_WRITES_PER_HOUR", default=200)
MINISHOP_PRODUCT_WRITES_PER_DAY = env.int("MINISHOP_PRODUCT_WRITES_PER_DAY", default=1000)

# --- Where the platform clients may send a shop's credentials (channels_sync/platforms/hosts.py) ----------------
# Besides each platform's own API host over HTTPS, the origins of the local emulator a shop's base URL may point
# at (scheme://host:port, port * for any; comma separated). On in development (DEBUG, the embedded default: the
# demo shops use http://127.0.0.1:$SANDBOX_PORT), off in production, where the production check reports it.
DEVELOPMENT_SANDBOX_ORIGINS = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
SANDBOX_ORIGINS = env.list("SANDBOX_ORIGINS", default=DEVELOPMENT_SANDBOX_ORIGINS if DEBUG else [])
# The open platform's host is the operator's (API reference §6): the hosts its shops may call, over HTTPS, as
# host or host:port, comma separated. None by default: an open platform shop needs one listed.
OPEN_PLATFORM_ALLOWED_HOSTS = env.list("OPEN_PLATFORM_ALLOWED_HOSTS", default=[])

# --- Security -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Encrypts shop app secrets at rest. Production must set it; the embedded default derives one from SECRET_KEY.
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")

if not DEBUG:
    # Production runs behind an HTTPS proxy (README, "Running behind an HTTPS proxy"): the proxy terminates TLS
    # and sets X-Forwarded-Proto, which is how Django knows a request came over HTTPS. The proxy must overwrite
    # that header, never pass on a client's.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    # Plain HTTP that reaches Django is redirected to HTTPS. A push or health check sent over plain HTTP
    # straight to the app (not through the proxy) would be redirected too: SECURE_REDIRECT_EXEMPT lists the
    # paths (regular expressions, without the leading slash) to leave alone.
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[])
    # HSTS: an hour by default, short enough to undo a mistake; raise it (31536000, a year) once the host and
    # its subdomains are known to work over HTTPS. "preload" only takes effect if the domain is submitted to
    # the browsers' preload list, which also requires a max-age of a year.
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# --- Login throttling (django-axes) ---------------------------------------------------------------------
# axes' backend comes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures count per user name AND client address together: guessing one account's password from one address
# locks that pair, while the account's owner elsewhere and other accounts from the same office stay unaffected.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# A successful login forgets earlier typos, so only failures in a row lead to a lockout.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shopadmin.lockout.lockout_response"
# The project's own admin (Shop admin › Failed logins) shows the attempts, translated, with an unlock action.
AXES_ENABLE_ADMIN = False
# Quiet at start-up, and failures are logged with the user name and address masked.
AXES_VERBOSE = False
# The client's address. Without a proxy it is REMOTE_ADDR. Behind one, REMOTE_ADDR is the proxy's, so set
# AXES_IPWARE_PROXY_COUNT to the number of proxy addresses X-Forwarded-For holds after the client's: 0 behind
# one nginx that appends the client's address ($proxy_add_x_forwarded_for), 1 behind a CDN and nginx. The
# client's address is then read from the right-hand end of X-Forwarded-For, where a client cannot forge it.
# AXES_IPWARE_PROXY_TRUSTED_IPS may name the proxies instead of (or as well as) counting them.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_IPWARE_PROXY_TRUSTED_IPS = env.list("AXES_IPWARE_PROXY_TRUSTED_IPS", default=None)
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list(
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    default=(
        ["REMOTE_ADDR"]
        if AXES_IPWARE_PROXY_COUNT is None and not AXES_IPWARE_PROXY_TRUSTED_IPS
        else ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    ),
)
# Entries a client added before its own (a corporate proxy's, or forged ones) do not discard the header:
# the address just before the declared proxies is taken either way.
IPWARE_STRICT = False

# --- Internationalisation: zh-Hans first, English available ---------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# The public address of MEDIA_ROOT (ending in /): the open platform takes image URLs, not uploads, so its
# payloads link the catalog's images there. Empty in development: the admin's own /media/ is used.
OPEN_PLATFORM_MEDIA_BASE_URL = env.str("OPEN_PLATFORM_MEDIA_BASE_URL", default="")
# Product images are uploaded to the platforms later; 10 MB is the Channels store's limit for image links.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Logging: event names with extra=, never secrets ----------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # axes logs its bookkeeping at INFO; its warnings (each failure, each lockout, masked) remain.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Demo data ------------------------------------------------------------------------------------
DEMO_USERNAME = env.str("DEMO_USERNAME", default="merchant")
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="shopadmin-demo")
