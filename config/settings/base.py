"""Settings shared by every mode, read from the environment.

Embedded default (nothing set): SQLite in WAL mode under ./var/, an in-process cache and
event broker. Scale-out: VECHE_DATABASE_URL points at PostgreSQL and VECHE_REDIS_URL at
Redis. Every variable is listed in the README's configuration table.
"""

import hashlib
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VECHE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("VECHE_SECRET_KEY", "")
DEBUG = env_bool("VECHE_DEBUG", False)
ALLOWED_HOSTS = env_list("VECHE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("VECHE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "config",
    "core",
    "accounts",
    "newsroom",
    "discussion",
    "moderation",
    "curation",
    "live",
    "imports",
    "ops",
    "insight",
    "editorial",
    "notify",
    "search",
    # Signing in with accounts readers already have (social; docs/deploy.md): django-allauth's
    # social accounts only. allauth.account is installed because the social part is built on
    # it, but none of its pages is mounted (Veche's own sign-in, sign-up and reset stay).
    "social",  # before allauth: its templates take the place of allauth's
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.vk",
    "allauth.socialaccount.providers.yandex",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.telegram",
    "webhooks",
    "visits",
]

MIDDLEWARE = [
    # First: every answer, those of the middleware below included, is counted and logged once
    # and carries its X-Request-ID (ops.middleware; the ASGI front's own answers: ops.front).
    "ops.middleware.RequestMiddleware",
    # Then, so that every answer, those of the middleware below included, carries the headers.
    "core.middleware.SecurityHeadersMiddleware",
    # The load balancer's probes and the metrics, before the host check and the https redirect.
    "ops.middleware.ProbeMiddleware",
    # Next, so that it compresses what everything below made.
    "core.middleware.CompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.BodySizeLimitMiddleware",
    "core.middleware.PrimaryPinMiddleware",
    "core.middleware.AfterCommitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",  # the social sign-in's flow needs it
    # The reader's language (core.languages): after authentication, for a member's saved choice.
    "core.middleware.LanguageMiddleware",
    "core.middleware.PrivateToMembersMiddleware",
    "accounts.middleware.PresenceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{VAR_DIR / 'veche.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("VECHE_DATABASE_URL", _default_db),
        conn_max_age=int(os.environ.get("VECHE_DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE transactions take the write
    # lock up front so concurrent writers queue on busy_timeout instead of failing.
    # Connections are kept like PostgreSQL's (opening one runs the pragmas below each time).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so tests can hammer it from several threads as the server would.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

# PostgreSQL plans each statement anew unless it is prepared: a statement run twice on a
# connection is prepared and its plan kept (psycopg's prepare_threshold, with the parameters
# bound by the server), which took a millisecond off a page rendered from nothing. Behind a
# pooler that cannot keep prepared statements (PgBouncer before 1.21, or without
# max_prepared_statements, in transaction mode) set VECHE_DB_PREPARED=0.
_PG_OPTIONS = {"server_side_binding": True, "prepare_threshold": 2} if env_bool("VECHE_DB_PREPARED", True) else {}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = dict(_PG_OPTIONS)

REPLICA_URLS = env_list("VECHE_DATABASE_REPLICA_URLS")
for _i, _url in enumerate(REPLICA_URLS):
    DATABASES[f"replica{_i}"] = dj_database_url.parse(_url, conn_max_age=600, conn_health_checks=True)
    DATABASES[f"replica{_i}"]["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_i}"]["OPTIONS"] = dict(_PG_OPTIONS)
DATABASE_ROUTERS = ["core.dbrouter.ReplicaRouter"] if REPLICA_URLS else []

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, presence, live events ---------------------------------------------------------
REDIS_URL = os.environ.get("VECHE_REDIS_URL", "")


def site_prefix(database_name: str) -> str:
    """The namespace of what this site keeps in a Redis other sites may share (the cache's
    keys, page generations and their channel, the live events' stream): its database's name,
    which every process of one site has in common and two sites on one server do not (a long
    name, a SQLite file's path, is shortened to a digest). Two sites on one Redis under one
    namespace would serve each other's pages and push each other's comments live."""
    name = str(database_name)
    if re.fullmatch(r"[A-Za-z0-9_.-]{1,48}", name):
        return f"veche-{name}"
    return "veche-" + hashlib.sha256(name.encode()).hexdigest()[:16]


# VECHE_CACHE_PREFIX sets it where two sites' databases share a name (on two servers).
REDIS_PREFIX = os.environ.get("VECHE_CACHE_PREFIX") or site_prefix(DATABASES["default"]["NAME"])
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
            "TIMEOUT": 3600,
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    LIVE_BROKER = "live.broker.RedisBroker"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "veche",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
    LIVE_BROKER = "live.broker.MemoryBroker"

# --- Members ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Member"
# Sign-in as Django's model backend does; the per-request member lookup written out. The model
# backend stays listed so sessions it signed in keep working.
AUTHENTICATION_BACKENDS = ["accounts.backends.MemberBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.MaximumLengthValidator"},
]
LOGIN_URL = "accounts:signin"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
# Sessions are read from the cache and written through to the database: a lost cache
# costs one query, never a signed-out member.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_REDIRECT_URL = "newsroom:front"
LOGOUT_REDIRECT_URL = "newsroom:front"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# --- Signing in with other accounts (social.settings; docs/deploy.md) ----------------------
# Each provider is off until its variables are set; the sign-in page shows only those set.
# allauth's own account pages are not mounted: these settings only tell its social part
# what Veche's member looks like. Its adapters (social.adapters) hold Veche's rules.
ACCOUNT_USER_MODEL_USERNAME_FIELD = "login"
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "social.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "social.adapters.SocialAccountAdapter"
# Never sign up without asking for a login, never sign into an account because an e-mail
# address matches (an attacker's provider can claim any address): social.views.finish asks.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False  # Veche calls no provider API after sign-in
SOCIALACCOUNT_LOGIN_ON_GET = False  # a sign-in starts from a form (POST with CSRF), not a link
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("VECHE_SOCIAL_TIMEOUT", "5"))


def _social_providers() -> dict:
    """SOCIALACCOUNT_PROVIDERS from the environment: a provider whose client id is unset is
    absent. Generic OpenID Connect providers (a newsroom's Keycloak): VECHE_SOCIAL_OIDC lists
    their ids, each with VECHE_SOCIAL_OIDC_<ID>_NAME, _URL, _CLIENT_ID and _SECRET."""
    found: dict = {}
    for provider, env, extra in (
        ("vk", "VK", {}),  # VK ID (PKCE on by allauth)
        ("yandex", "YANDEX", {}),
        ("google", "GOOGLE", {"SCOPE": ["openid", "profile", "email"], "OAUTH_PKCE_ENABLED": True}),
        ("github", "GITHUB", {}),
        ("telegram", "TELEGRAM", {}),  # client id: the bot's id; secret: the bot's token
    ):
        client_id = os.environ.get(f"VECHE_SOCIAL_{env}_CLIENT_ID", "")
        if client_id:
            found[provider] = {**extra, "APPS": [{
                "client_id": client_id, "secret": os.environ.get(f"VECHE_SOCIAL_{env}_SECRET", ""), "key": ""}]}
    apps = []
    for ident in env_list("VECHE_SOCIAL_OIDC"):
        key = "VECHE_SOCIAL_OIDC_" + ident.upper().replace("-", "_")
        if os.environ.get(f"{key}_CLIENT_ID") and os.environ.get(f"{key}_URL"):
            apps.append({
                "provider_id": ident, "name": os.environ.get(f"{key}_NAME", ident),
                "client_id": os.environ[f"{key}_CLIENT_ID"], "secret": os.environ.get(f"{key}_SECRET", ""),
                "settings": {"server_url": os.environ[f"{key}_URL"]},
            })
    # Veche's subclass sends a nonce and checks it comes back in the ID token (allauth's does not).
    found["openid_connect"] = {"provider_class": "social.openid.provider.NonceOpenIDConnectProvider",
                               "OAUTH_PKCE_ENABLED": True, "APPS": apps}
    return found


SOCIALACCOUNT_PROVIDERS = _social_providers()

# A member is Online when their last request is younger than this many seconds.
VECHE_PRESENCE_WINDOW = int(os.environ.get("VECHE_PRESENCE_WINDOW", "300"))
# Page views are written every this many seconds, and when the server stops (newsroom.viewcount).
VECHE_VIEW_FLUSH_SECONDS = float(os.environ.get("VECHE_VIEW_FLUSH_SECONDS", "3"))
# Anonymous article pages written to this folder for nginx to serve (core.mirror; docs/deploy.md,
# "Pages from disk"), and the address (host:port, UDP) where nginx's log of the pages it served
# arrives, so their views are counted (newsroom.viewlog). Both off when empty.
VECHE_PAGE_MIRROR_DIR = os.environ.get("VECHE_PAGE_MIRROR_DIR", "")
VECHE_VIEW_LOG = os.environ.get("VECHE_VIEW_LOG", "")
# Embedded mode: members are told of a post by the server in a thread of its own after the
# answer (core.background), not inside the posting request.
VECHE_TELL_IN_THREAD = env_bool("VECHE_TELL_IN_THREAD", True)

# --- Community rules (README, "Moderation settings") -------------------------------------
VECHE_RATE_LIMITS = env_bool("VECHE_RATE_LIMITS", True)
VECHE_TRUSTED_PROXY_HOPS = int(os.environ.get("VECHE_TRUSTED_PROXY_HOPS", "0"))

# --- Serving bounds (veche serve; docs/deploy.md says what a proxy in front adds) ---------
# Live streams one address may hold open in one process (each open page holds one; 0: no limit).
VECHE_SSE_STREAMS_PER_ADDRESS = int(os.environ.get("VECHE_SSE_STREAMS_PER_ADDRESS", "20"))
# A request's line and headers together, in bytes: nginx's default buffers hold 8 KB a line.
VECHE_MAX_HEADER_BYTES = int(os.environ.get("VECHE_MAX_HEADER_BYTES", str(16 * 1024)))
# Seconds a client has to send a request's line and headers, then its body (at most
# DATA_UPLOAD_MAX_MEMORY_SIZE, 256 KB): a slow client cannot hold a connection by trickling.
VECHE_HEADER_TIMEOUT = float(os.environ.get("VECHE_HEADER_TIMEOUT", "10"))
VECHE_BODY_TIMEOUT = float(os.environ.get("VECHE_BODY_TIMEOUT", "30"))
# Connections one process keeps open at most, streams included; past it uvicorn answers 503
# (0: no limit; each open page holds a connection, so size it by readers, not requests).
VECHE_MAX_CONNECTIONS = int(os.environ.get("VECHE_MAX_CONNECTIONS", "0"))
# New accounts may not comment during their first N hours (0: at once).
VECHE_NEW_ACCOUNT_QUIET_HOURS = int(os.environ.get("VECHE_NEW_ACCOUNT_QUIET_HOURS", "0"))
# Hold a member's first N comments for moderation (0: off).
VECHE_PREMODERATE_FIRST = int(os.environ.get("VECHE_PREMODERATE_FIRST", "0"))
# Privileges that come with standing (moderation.policy). Minus votes: from a member whose
# account is VECHE_MINUS_AFTER_DAYS old or whose rating reached VECHE_MINUS_MIN_RATING (both 0:
# everyone; a newsroom fighting brigades of fresh accounts might use 3 days or a rating of 10).
VECHE_MINUS_AFTER_DAYS = int(os.environ.get("VECHE_MINUS_AFTER_DAYS", "0"))
VECHE_MINUS_MIN_RATING = int(os.environ.get("VECHE_MINUS_MIN_RATING", "0"))
# A member in good standing — an account this many days old with at least this rating — has
# their reports weigh more in the moderation queue.
VECHE_GOOD_STANDING_DAYS = int(os.environ.get("VECHE_GOOD_STANDING_DAYS", "30"))
VECHE_GOOD_STANDING_RATING = int(os.environ.get("VECHE_GOOD_STANDING_RATING", "1"))
# A comment with a link from an account younger than this many days is held for moderation
# (0: off; spam comes from fresh accounts with links, 1 to 3 days stops most of it).
VECHE_LINKS_HELD_DAYS = int(os.environ.get("VECHE_LINKS_HELD_DAYS", "0"))
VECHE_COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("VECHE_COMMENTS_CLOSE_AFTER_DAYS", "30"))

# --- Email ------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "VECHE_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("VECHE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("VECHE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("VECHE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("VECHE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("VECHE_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("VECHE_EMAIL_FROM", "Veche <noreply@localhost>")

# --- Background tasks -------------------------------------------------------------------
# Enqueue through core.tasks.enqueue_on_commit (never from inside a transaction). The queue
# follows the mode: rows in the database (django-tasks-db) when embedded, RQ on Redis when
# VECHE_REDIS_URL is set; VECHE_TASKS_BACKEND=database|redis|immediate chooses by hand
# (immediate: run inside the request, for tests). docs/deploy.md, "Background tasks".
VECHE_TASKS_BACKEND = os.environ.get("VECHE_TASKS_BACKEND", "") or ("redis" if REDIS_URL else "database")
# The one queue every task goes to (core.tasks.task names it). On RQ it is this site's own
# (REDIS_PREFIX), so that sites sharing a Redis never run each other's tasks; the database's
# queue is the site's already, and keeps the name its rows have always had.
VECHE_TASK_QUEUE = REDIS_PREFIX if VECHE_TASKS_BACKEND == "redis" else "default"
TASK_BACKENDS = {
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": [VECHE_TASK_QUEUE]},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [VECHE_TASK_QUEUE]},
    # "default" as well: a task an earlier version left there is read back with its queue's
    # name (`veche worker --also-queue default`); no task of this version is sent there.
    "redis": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": sorted({VECHE_TASK_QUEUE, "default"})},
}
TASKS = {"default": TASK_BACKENDS[VECHE_TASKS_BACKEND]}
if VECHE_TASKS_BACKEND == "redis":  # RQ's Django app, which its backend's checks ask for
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db") + 1, "django_rq")
# Not RQ's admin dashboard: its pages answer 500 to an id they do not know, and `veche tasks`
# and /metrics say what it would (docs/deploy.md, Background tasks).
RQ_SHOW_ADMIN_LINK = False
# RQ's queue lives in the same Redis as the cache (its keys start with "rq:" and name the
# queue); a job may run for at most VECHE_TASK_TIMEOUT seconds before RQ stops it.
_RQ = {"URL": os.environ.get("VECHE_TASKS_REDIS_URL", REDIS_URL or "redis://127.0.0.1:6379/0"),
       "DEFAULT_TIMEOUT": int(os.environ.get("VECHE_TASK_TIMEOUT", "600"))}
# "default" too: django-rq's connection when none is named (a task's result read by its id),
# and the queue of versions before the site's own, which `veche worker --also-queue default`
# empties after an upgrade (docs/deploy.md). Nothing is enqueued there.
RQ_QUEUES = {VECHE_TASK_QUEUE: _RQ, "default": _RQ}
# A failing task is tried VECHE_TASK_ATTEMPTS times in all, waiting
# VECHE_TASK_BACKOFF_SECONDS × 2^(n-1) (± a tenth) before try n+1; then it stays failed,
# listed by `veche tasks`, until an operator re-runs it.
VECHE_TASK_ATTEMPTS = int(os.environ.get("VECHE_TASK_ATTEMPTS", "5"))
VECHE_TASK_BACKOFF_SECONDS = float(os.environ.get("VECHE_TASK_BACKOFF_SECONDS", "30"))
# A task a worker on another machine started this many seconds ago, and never finished, is
# taken as lost with its worker and run again (a worker on this machine that died is seen at once).
VECHE_TASK_LEASE_SECONDS = int(os.environ.get("VECHE_TASK_LEASE_SECONDS", "3600"))
# Webhooks (docs/webhooks.md): seconds a receiver has to answer; whether URLs resolving to
# private, loopback or link-local addresses may be called (off: they are refused).
VECHE_WEBHOOK_TIMEOUT = float(os.environ.get("VECHE_WEBHOOK_TIMEOUT", "5"))
VECHE_WEBHOOKS_ALLOW_PRIVATE = env_bool("VECHE_WEBHOOKS_ALLOW_PRIVATE", False)

# Sweeps every worker enqueues every VECHE_PERIODIC_SECONDS (core.queue.enqueue_periodic): the
# notifications' e-mail held back by the ten-minute window, unsent mail, the daily digests;
# images whose versions' task was lost.
VECHE_PERIODIC_TASKS = ["notify.tasks.send_due", "editorial.tasks.sweep_versions"]
VECHE_PERIODIC_SECONDS = int(os.environ.get("VECHE_PERIODIC_SECONDS", "300"))

# --- Time and language ------------------------------------------------------------------
# The languages Veche speaks (each app's locale/<code>/ catalog) and those a reader may choose:
# VECHE_LANGUAGE is the site's own (the default for a reader whose browser names none of the
# enabled ones, and for articles), VECHE_LANGUAGES the comma-separated choice (the site's is
# always among them). A reader's language: ?lang= on the address, else their choice (a cookie
# the footer's switcher sets; a member's saved one), else Accept-Language (core.languages).
KNOWN_LANGUAGES = {"en": "English", "ru": "Русский"}
LANGUAGE_CODE = os.environ.get("VECHE_LANGUAGE", "en").strip().lower() or "en"
if LANGUAGE_CODE not in KNOWN_LANGUAGES:
    raise ImproperlyConfigured(f"VECHE_LANGUAGE={LANGUAGE_CODE!r}: Veche speaks {', '.join(KNOWN_LANGUAGES)}.")
_chosen = [c.strip().lower() for c in env_list("VECHE_LANGUAGES", ",".join(KNOWN_LANGUAGES)) if c.strip()]
_unknown = [c for c in _chosen if c not in KNOWN_LANGUAGES]
if _unknown:
    raise ImproperlyConfigured(f"VECHE_LANGUAGES: {', '.join(_unknown)} unknown; Veche speaks {', '.join(KNOWN_LANGUAGES)}.")
LANGUAGES = [(c, KNOWN_LANGUAGES[c]) for c in dict.fromkeys([LANGUAGE_CODE, *_chosen])]
LANGUAGE_COOKIE_NAME = "veche_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS: list[Path] = []  # every app's own locale/ directory is found by Django
TIME_ZONE = os.environ.get("VECHE_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
# Its own place when VAR_DIR is a volume that would hide what an image collected (Dockerfile).
STATIC_ROOT = Path(os.environ.get("VECHE_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600

# --- Site -------------------------------------------------------------------------------
VECHE_SITE_NAME = os.environ.get("VECHE_SITE_NAME", "Veche")
VECHE_SITE_URL = os.environ.get("VECHE_SITE_URL", "http://127.0.0.1:8000")
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024  # a comment is at most 10,000 characters

# --- Uploaded media (article images; docs/deploy.md, "Images") ---------------------------
# Through Django's storage API (STORAGES["default"]): files under VAR_DIR/media by default;
# an S3-compatible bucket is a settings change (django-storages), documented there.
MEDIA_ROOT = Path(os.environ.get("VECHE_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = os.environ.get("VECHE_MEDIA_URL", "/media/")
# Served by Veche itself (embedded mode); off when a proxy or the bucket serves MEDIA_URL.
VECHE_SERVE_MEDIA = env_bool("VECHE_SERVE_MEDIA", True)
# Other origins pages may show images from (the bucket's, when MEDIA_URL is absolute).
VECHE_IMAGE_ORIGINS = env_list("VECHE_IMAGE_ORIGINS")
# An uploaded image's bytes at most, and the request carrying it: the only requests allowed a
# body past DATA_UPLOAD_MAX_MEMORY_SIZE are those to these addresses (the ASGI front and
# core.middleware refuse larger ones before reading them, with a sentence).
VECHE_IMAGE_MAX_BYTES = int(os.environ.get("VECHE_IMAGE_MAX_BYTES", str(15 * 1024 * 1024)))
VECHE_UPLOAD_PATHS = ["/editorial/"]
# An image is decoded only when its width × height, read from its header, is at most this:
# 40 megapixels (an 8,000 × 5,000 photograph) takes 160 MB decoded.
VECHE_IMAGE_MAX_PIXELS = int(os.environ.get("VECHE_IMAGE_MAX_PIXELS", str(40_000_000)))
# Larger uploads go to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Operations (docs/deploy.md: health checks, metrics, logs) ---------------------------
# /metrics answers a request with `Authorization: Bearer <token>` or from these networks
# (comma-separated CIDRs); anyone else gets a 404. Neither set: no one.
VECHE_METRICS_TOKEN = os.environ.get("VECHE_METRICS_TOKEN", "")
VECHE_METRICS_ALLOW = env_list("VECHE_METRICS_ALLOW")
# Log lines as text for a person (default) or as one JSON object a line for a shipper (json);
# one line per request (logger veche.requests) unless VECHE_LOG_REQUESTS is off.
VECHE_LOG_FORMAT = "json" if os.environ.get("VECHE_LOG_FORMAT", "text").strip().lower() == "json" else "text"
VECHE_LOG_REQUESTS = env_bool("VECHE_LOG_REQUESTS", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "formatters": {"text": {"()": "ops.logs.TextFormatter"}, "json": {"()": "ops.logs.JsonFormatter"}},
    # stderr, which journald and Docker collect as they do stdout, and which leaves stdout to
    # commands whose output is data (`veche dumpdata`).
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": VECHE_LOG_FORMAT,
                             "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("VECHE_LOG_LEVEL", "WARNING")},
    "loggers": {
        "veche.requests": {"level": "INFO" if VECHE_LOG_REQUESTS else "WARNING"},
        # Its 4xx warnings repeat the request's own line, with the path (which may hold a
        # token) instead of the route; its 5xx errors, with their traceback, stay.
        "django.request": {"level": "ERROR"},
    },
}
