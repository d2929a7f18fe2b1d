"""Settings shared by every environment.

Everything that differs between machines comes from the environment (12-factor), read here
and nowhere else. ``local``, ``test`` and ``production`` only change defaults.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "governance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the URL or the body: a control character in the path or query
    # string is a 400, a body over MAX_REQUEST_BODY_MB a 413, without reading it.
    "governance.web.middleware.RefuseControlCharactersMiddleware",
    "governance.web.middleware.RequestBodyLimitMiddleware",
    # An SQLite database still locked after its timeout answers 503, not 500.
    "governance.web.middleware.DatabaseBusyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: every date shown in the signed-in user's own time zone.
    "governance.web.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
            # The UI's template tags live in governance.web, not in an app's templatetags.
            "libraries": {"governance_ui": "governance.web.templatetags.governance_ui"},
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database of `make run` serves web, worker and beat at once. WAL lets
    # readers work beside the one writer; IMMEDIATE takes the write lock when a transaction
    # begins, so a writer waits (up to `timeout` seconds) instead of failing half way when
    # its read lock cannot be upgraded.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses every login attempt of a locked-out username/address (brute force).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection of the login form and the API token endpoint: after
# AXES_FAILURE_LIMIT failures for one username from one address, that pair is locked out
# for AXES_COOLOFF_MINUTES (429); a successful login clears the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "governance.infra.credentials.lockout_response"
# Lockouts count per client address as governance.infra.net.client_address derives it, the
# same key as the API throttles.
AXES_CLIENT_IP_CALLABLE = "governance.infra.net.client_address"

# How many proxies in front of the app append to X-Forwarded-For (0: none, the client is
# REMOTE_ADDR). Every limiter keys on the entry the outermost of them wrote; entries the
# client wrote itself are never trusted. AXES_IPWARE_PROXY_COUNT is its deprecated name.
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=env.int("AXES_IPWARE_PROXY_COUNT", default=0)
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Email: EMAIL_URL such as smtp://user:pass@host:587 or consolemail://
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Vendor governance <governance@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Celery
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"

# Content-Security-Policy: nothing from other origins, no inline scripts. Inline style
# attributes are allowed (data-driven widths and colours of the meters and chart legends).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# Evidence uploads: the largest file accepted, in megabytes.
GOVERNANCE_EVIDENCE_MAX_MB = env.int("GOVERNANCE_EVIDENCE_MAX_MB", default=10)
# The largest request body, in megabytes: a larger one is refused with 413 before it is
# read (the largest evidence file plus room for the form around it).
MAX_REQUEST_BODY_MB = env.int("MAX_REQUEST_BODY_MB", default=GOVERNANCE_EVIDENCE_MAX_MB + 1)
# Form fields and JSON bodies, files aside: no form or API body here comes near these.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# The first handler stops a multipart upload once it passes MAX_REQUEST_BODY_MB, whatever
# its Content-Length said; the others are Django's defaults.
FILE_UPLOAD_HANDLERS = [
    "governance.infra.request_limits.BodyLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# A shared cache (e.g. redis://127.0.0.1:6379/1) makes the login throttles count across all
# web processes; the default in-process cache counts per process.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# API tokens (django-rest-knox): stored hashed, revocable; integrations want long lifetimes.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTO_REFRESH": False,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Knox tokens: hashed at rest, expiring, revocable (POST /api/v1/auth/token/).
        "governance.api.auth.TokenAuthentication",
        # The browser: the logged-in session, with CSRF enforced on unsafe methods.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["governance.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "governance.api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "governance.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "governance.api.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "governance.api.filters.StableOrderingFilter",
    ],
    "EXCEPTION_HANDLER": "governance.api.exceptions.exception_handler",
    # Anonymous callers are counted by governance.infra.net.client_address (TRUSTED_PROXY_COUNT).
    "DEFAULT_THROTTLE_CLASSES": [
        "governance.api.throttling.AnonRateThrottle",
        "governance.api.throttling.UserRateThrottle",
    ],
    # For any throttle that still uses DRF's own get_ident: never the header as sent.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        # Password guessing against POST /api/v1/auth/token/, per client address.
        "token_obtain": env("API_TOKEN_THROTTLE_RATE", default="10/minute"),
        "anon": env("API_ANON_THROTTLE_RATE", default="60/minute"),
        # Generous: a ticketing system replaying a backlog must not be cut off.
        "user": env("API_USER_THROTTLE_RATE", default="1200/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Vendor governance API",
    "DESCRIPTION": "Outsourcing-relationship governance: vendors, goals, reviews, meetings, "
    "SLA incidents, security clauses and reminders.\n\n"
    "Authenticate with `Authorization: Token <key>` (obtain a key from "
    "`POST /api/v1/auth/token/`) or, in the browser, with the logged-in session and its CSRF "
    "token. Lists are paginated (`count`, `next`, `previous`, `results`), filterable, "
    "searchable (`search`) and orderable (`ordering`, prefix `-` for descending). Bad input "
    "gets a 400 whose body maps each field to its messages and changes nothing.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Request bodies and responses get their own components: read-only fields are never
    # asked for in a request, and write-only ones never promised in a response.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "governance.api.schema.allow_empty_query_values",
    ],
    "ENUM_NAME_OVERRIDES": {
        "VendorStatusEnum": "governance.models.VendorStatus",
        "VendorTierEnum": "governance.models.VendorTier",
        "ServiceEnum": "governance.models.Service",
        "CadenceEnum": "governance.models.Cadence",
        "GoalStatusEnum": "governance.models.GoalStatus",
        "GoalDirectionEnum": "governance.models.GoalDirection",
        "ReviewStatusEnum": "governance.models.ReviewStatus",
        "CriterionEnum": "governance.models.ReviewScoreCriterion",
        "ActionItemStatusEnum": "governance.models.ActionItemStatus",
        "MeetingKindEnum": "governance.models.MeetingKind",
        "MeetingChannelEnum": "governance.models.MeetingChannel",
        "PriorityEnum": "governance.models.Priority",
        "IncidentStatusEnum": "governance.models.IncidentStatus",
        "IncidentCategoryEnum": "governance.domain.models.incidents.IncidentCategory",
        "ClauseTypeEnum": "governance.models.ClauseType",
        "ClauseStatusEnum": "governance.models.SecurityClauseStatus",
        "NotificationStatusEnum": "governance.domain.notification.NotificationStatus",
        "ReminderKindEnum": "governance.models.ReminderKind",
        "ReminderStatusEnum": "governance.models.ReminderStatus",
        "ImportKindEnum": "governance.models.ImportKind",
        "ImportStatusEnum": "governance.models.ImportStatus",
        "WebhookEventTypeEnum": "governance.models.WebhookEventType",
        "WebhookDeliveryStatusEnum": "governance.models.WebhookDeliveryStatus",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}


# Structured logs on stdout (12-factor): LOG_FORMAT=logfmt (default, readable in a terminal)
# or json; gunicorn's error and access logs use the same formatter (config/gunicorn.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": "config.log_format.StructuredFormatter",
            "output": env("LOG_FORMAT", default="logfmt"),
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "structured",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Django's own handlers (a plain console in DEBUG, runserver's lines) give way to the root
    # handler, so every line has one shape and none is printed twice.
    "loggers": {
        "django": {"handlers": [], "level": "NOTSET", "propagate": True},
        "django.server": {"handlers": [], "level": "NOTSET", "propagate": True},
    },
}

# Governance defaults; each is overridable per site through the environment.
GOVERNANCE_DEFAULT_USER_TIME_ZONE = env("DEFAULT_USER_TIME_ZONE", default="UTC")
# The role a new account gets when it is created (superusers are administrators): one of
# administrator, manager, viewer, auditor or none. Read-only by default; an administrator
# promotes people in the admin.
GOVERNANCE_NEW_USER_ROLE = env("NEW_USER_ROLE", default="viewer")
GOVERNANCE_SLA_WINDOW_DAYS = 90
# Hours we have to notify the supervisory authority of a breach of personal data, from
# becoming aware of it (GDPR article 33: 72); the clock of governance.domain.notification.
GOVERNANCE_AUTHORITY_NOTIFICATION_HOURS = env.int("AUTHORITY_NOTIFICATION_HOURS", default=72)

# --- Reminders (governance/reminders/) --------------------------------------------------------
# Site lead times per kind, over each kind's defaults (governance/reminders/kinds/); each user
# can mute kinds and override lead times in their profile. A lead time is a number of days
# (14, 0.5) or a string with a unit: "24h", "90m", "2d", "1w". JSON from the environment, e.g.
# GOVERNANCE_REMINDER_LEAD_TIMES='{"meeting": ["24h", "1h"]}'; a kind set to [] has none.
GOVERNANCE_REMINDER_LEAD_TIMES = env.json("GOVERNANCE_REMINDER_LEAD_TIMES", default={})
# Date-based reminders (reviews, clauses, goals, contracts, digest) go out from this hour of
# the recipient's local day, so nobody is woken by a reminder that can wait for the morning.
GOVERNANCE_REMINDER_SEND_HOUR = env.int("GOVERNANCE_REMINDER_SEND_HOUR", default=8)
GOVERNANCE_REMINDER_OVERDUE_EVERY_DAYS = env.int(
    "GOVERNANCE_REMINDER_OVERDUE_EVERY_DAYS", default=7
)
GOVERNANCE_REMINDER_SLA_WARNING_RATIO = env.float(
    "GOVERNANCE_REMINDER_SLA_WARNING_RATIO", default=0.75
)
# A breach older than this that no sweep saw (beat down for a week) is no longer announced.
GOVERNANCE_REMINDER_SLA_LOOKBACK_DAYS = env.int("GOVERNANCE_REMINDER_SLA_LOOKBACK_DAYS", default=7)
GOVERNANCE_REMINDER_DIGEST_WEEKDAY = env.int("GOVERNANCE_REMINDER_DIGEST_WEEKDAY", default=0)
# An open action item is escalated to the next level of its vendor's escalation path once its
# due date has passed by this many days.
GOVERNANCE_ESCALATION_MARGIN_DAYS = env.int("GOVERNANCE_ESCALATION_MARGIN_DAYS", default=1)
GOVERNANCE_REMINDER_SWEEP_SECONDS = env.int("GOVERNANCE_REMINDER_SWEEP_SECONDS", default=60)
GOVERNANCE_REMINDER_BATCH_SIZE = env.int("GOVERNANCE_REMINDER_BATCH_SIZE", default=1000)
# Sending: transient SMTP/connection errors are retried with exponential backoff and jitter
# (base * 2**(attempt-1), capped), then the reminder is marked failed with its last error.
GOVERNANCE_REMINDER_MAX_ATTEMPTS = env.int("GOVERNANCE_REMINDER_MAX_ATTEMPTS", default=5)
GOVERNANCE_REMINDER_RETRY_BASE_SECONDS = env.float(
    "GOVERNANCE_REMINDER_RETRY_BASE_SECONDS", default=30
)
GOVERNANCE_REMINDER_RETRY_MAX_SECONDS = env.float(
    "GOVERNANCE_REMINDER_RETRY_MAX_SECONDS", default=600
)
# The outbox: a pending reminder whose task has not run after this long is queued again
# (its task was lost: broker down, queue purged); a reminder in `sending` this long belongs to
# a worker that died and is recovered.
GOVERNANCE_REMINDER_REQUEUE_AFTER_SECONDS = env.int(
    "GOVERNANCE_REMINDER_REQUEUE_AFTER_SECONDS", default=300
)
GOVERNANCE_REMINDER_STUCK_AFTER_SECONDS = env.int(
    "GOVERNANCE_REMINDER_STUCK_AFTER_SECONDS", default=900
)
# A worker that died between the SMTP server's acceptance and the status write leaves the
# reminder's fate unknown. True: send it again with the same Message-ID (at least once, a
# duplicate is possible but deduplicable). False: mark it failed for a person to check.
GOVERNANCE_REMINDER_RESEND_UNCONFIRMED = env.bool(
    "GOVERNANCE_REMINDER_RESEND_UNCONFIRMED", default=True
)
# How often the stored vendor figures (health, SLA compliance, coverage) are recomputed for
# what changes with the clock alone; writes refresh the figures of their vendor at once.
GOVERNANCE_FIGURES_REFRESH_SECONDS = env.int("GOVERNANCE_FIGURES_REFRESH_SECONDS", default=300)
# Outbound webhooks (governance.services.webhooks). Host names or addresses, comma-separated,
# that webhook targets may resolve to although they are not public (a receiver on 127.0.0.1
# in tests, an internal SIEM); empty: public addresses only.
WEBHOOK_ALLOWED_HOSTS = env("WEBHOOK_ALLOWED_HOSTS", default="")
# Connect and read timeout of one delivery attempt.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)
# Seconds to wait before each retry (each stretched by up to 20 % of jitter): about 22 hours.
WEBHOOK_RETRY_SCHEDULE = env.list(
    "WEBHOOK_RETRY_SCHEDULE",
    cast=float,
    default=[5, 30, 120, 600, 1800, 3600, 7200, 14400, 21600, 28800],
)
# Attempts of one delivery (the first and its retries) before it is failed.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=11)
# A subscription is disabled after this many failed attempts in a row (across deliveries),
# or when one delivery fails all its attempts with no success in between.
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=20)
# How often beat queues deliveries due for a retry and recovers lost ones, and sweeps for
# time-made events (SLA breached, clause expired...).
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=15)
WEBHOOK_SWEEP_SECONDS = env.int("WEBHOOK_SWEEP_SECONDS", default=60)
# Periodic entries: the sweep that fills the outbox and hands it to the workers, the
# refresh of the stored vendor figures, last month's credit statements on the first days of
# a month, and the deletion of expired API tokens.
CELERY_BEAT_SCHEDULE = {
    "governance-reminder-sweep": {
        "task": "governance.tasks.sweep_reminders",
        "schedule": GOVERNANCE_REMINDER_SWEEP_SECONDS,
        # A sweep queued during an outage is stale once the next one is due.
        "options": {"expires": GOVERNANCE_REMINDER_SWEEP_SECONDS},
    },
    "governance-figures-refresh": {
        "task": "governance.tasks.refresh_figures",
        "schedule": GOVERNANCE_FIGURES_REFRESH_SECONDS,
        "options": {"expires": GOVERNANCE_FIGURES_REFRESH_SECONDS},
    },
    # Last month's service credit statements, on the first days of a month (the task does
    # nothing on the others); 02:15 UTC, any hour would do.
    "governance-credit-month-close": {
        "task": "governance.tasks.close_credit_month",
        "schedule": crontab(minute=15, hour=2),
        "options": {"expires": 3600},
    },
    # Webhook deliveries due for a retry, or lost (a dead worker, a lost message).
    "governance-webhook-retry": {
        "task": "governance.tasks.retry_webhooks",
        "schedule": WEBHOOK_RETRY_SECONDS,
        "options": {"expires": WEBHOOK_RETRY_SECONDS},
    },
    # Time-made webhook events (SLA warning and breach, clause expiry, overdue items...).
    "governance-webhook-sweep": {
        "task": "governance.tasks.sweep_webhooks",
        "schedule": WEBHOOK_SWEEP_SECONDS,
        "options": {"expires": WEBHOOK_SWEEP_SECONDS},
    },
    # Expired API tokens already open nothing; this deletes their rows.
    "governance-expired-tokens-delete": {
        "task": "governance.tasks.delete_expired_tokens",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
}
