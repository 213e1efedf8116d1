"""Accord settings: one module, every deployment difference read from the environment.

Unset, the environment gives the embedded default: SQLite in ``db.sqlite3`` and Celery
tasks run in-process. ``DATABASE_URL=postgres://…`` and ``CELERY_BROKER_URL=redis://…``
give the production shape with real workers; the code is the same.
"""

import datetime as dt
import os
import secrets
import zoneinfo
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The calendar day that is "today" for value dates, signing dates and the nightly job.
ACCORD_BUSINESS_TZ = os.environ.get("ACCORD_BUSINESS_TZ", "Asia/Tokyo")


def business_midnight_utc_hour() -> int:
    """The UTC hour at which the business day starts (Celery's clock is UTC), at today's
    offset: the nightly exposure job runs just after it."""
    offset = dt.datetime.now(zoneinfo.ZoneInfo(ACCORD_BUSINESS_TZ)).utcoffset()
    return int(-(offset or dt.timedelta()).total_seconds() // 3600) % 24


DEBUG = env_bool("DEBUG", False)

# Serving (config/wsgi.py, config/asgi.py) and `check --deploy` refuse to run without a key
# from the environment unless DEBUG is on. Everything else (migrate, makemigrations, the
# other commands) gets a key that lives as long as the process: never a shared, hard-coded one.
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SECRET_KEY"))
SECRET_KEY = os.environ.get("SECRET_KEY") or "ephemeral-" + secrets.token_urlsafe(48)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "accounts",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "core",
    "projects",
    "committee",
    "notifications",
    "financing",
    "documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "notifications.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.security_headers",
    "allauth.account.middleware.AccountMiddleware",
    # After the account middleware: a user who must use a second factor and has none is
    # sent to set one up; an idle or too old session ends (docs/asvs.md, V3).
    "accounts.middleware.SessionControlMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "core.context_processors.membership",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Keep connections between requests (a new PostgreSQL connection per request costs
        # more than the request), and check a kept one before use, so a restarted or
        # terminated backend costs one reconnect, not an error.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers. IMMEDIATE takes the write lock when a transaction begins, so
    # a writer waits for another (up to ``timeout`` seconds) instead of failing with "database
    # is locked" when a read lock cannot be upgraded halfway through its transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Password reset links (Django's tokens: single use, since they hash the password and the
# last login) expire after an hour.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", "3600"))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
# Dates are typed ISO only, in every language (config/formats): never read US-style.
FORMAT_MODULE_PATH = ["config.formats"]
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Uploaded files (documents) -------------------------------------------------------
# Local files under MEDIA_ROOT by default; any S3-compatible store with ACCORD_STORAGE=s3 or
# AWS_STORAGE_BUCKET_NAME set (django-storages), with no code change. Files are served only
# by views that ask the permission policy: MEDIA_URL is never routed.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
if os.environ.get("ACCORD_STORAGE", "").lower() == "s3" or os.environ.get(
    "AWS_STORAGE_BUCKET_NAME"
):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", "accord-documents"),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            # Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID, roles, …).
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
ACCORD_MAX_UPLOAD_BYTES = int(os.environ.get("ACCORD_MAX_UPLOAD_BYTES", str(25 * 1024 * 1024)))
# The first handler drops a file past ACCORD_MAX_UPLOAD_BYTES while it streams in, so an
# oversized upload is neither kept in memory nor spooled whole to a temporary file.
FILE_UPLOAD_HANDLERS = [
    "documents.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads spool to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields other than files
DATA_UPLOAD_MAX_NUMBER_FILES = 5
FILE_UPLOAD_PERMISSIONS = 0o640
WHITENOISE_USE_FINDERS = True

# --- Security -------------------------------------------------------------------------
# Sessions end after ACCORD_SESSION_IDLE_SECONDS without a request, and at the latest
# ACCORD_SESSION_MAX_SECONDS after sign-in (accounts.middleware.SessionControlMiddleware).
ACCORD_SESSION_IDLE_SECONDS = int(os.environ.get("ACCORD_SESSION_IDLE_SECONDS", "1800"))
ACCORD_SESSION_MAX_SECONDS = int(os.environ.get("ACCORD_SESSION_MAX_SECONDS", str(12 * 60 * 60)))
# The store forgets a session as soon as it is idle too long; the middleware saves an active
# one at least once a minute, which moves this expiry on.
SESSION_COOKIE_AGE = ACCORD_SESSION_IDLE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts and styles only from files
# the application serves, never inline; no framing, no plugins, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Swagger UI draws a few icons from data: URIs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Browser features Accord never uses are switched off; WebAuthn (security keys) stays on for
# this origin only.
ACCORD_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "publickey-credentials-get=(self), publickey-credentials-create=(self)"
)
# HTTPS-only settings follow DEBUG: off for local http, on in production.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No guardian "AnonymousUser" row: anonymous visitors see nothing in Accord.
ANONYMOUS_USER_NAME = None

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Sign-in: django-allauth (login, second factors, re-authentication, sessions) -----
ACCORD_MFA_REQUIRED_ROLES = env_list("ACCORD_MFA_REQUIRED_ROLES", "chair,member,staff")
ACCORD_REAUTH_SECONDS = int(os.environ.get("ACCORD_REAUTH_SECONDS", "900"))
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]  # sign-up is closed (the adapter)
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = ACCORD_REAUTH_SECONDS
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Mail the user when a second factor is added or removed, or the password changes or is reset
# (allauth's notices, sent by a task after commit).
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Wrong codes on the second step: 5 per user per 5 minutes, 10 a minute per address (allauth's
# defaults); wrong passwords are django-axes' to lock out (accounts.adapter.pre_authenticate).
MFA_FORMS = {"authenticate": "accounts.forms.AuthenticateForm"}
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Accord"
# Only the code of the current 30 seconds, each accepted once (allauth remembers used codes in
# the default cache for a period: give several workers a shared cache in production).
MFA_TOTP_TOLERANCE = 0
MFA_PASSKEY_LOGIN_ENABLED = False
# WebAuthn needs https, except on a developer's http://localhost (make run, tests).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("ACCORD_WEBAUTHN_ALLOW_HTTP", DEBUG)
USERSESSIONS_TRACK_ACTIVITY = False  # last seen is kept by SessionControlMiddleware, per minute

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AccordAutoSchema",
    "EXCEPTION_HANDLER": "core.api.base.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # `?format=` names an export format (docs/decision-log.md), not a DRF renderer.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Accord API",
    "DESCRIPTION": "Investment-committee workflow for the US–Japan strategic investment program.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are for the program's users and their scripts, not the public.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set where two fields share a name (`--fail-on-warn` stays clean).
    "ENUM_NAME_OVERRIDES": {
        "CurrencyEnum": ["USD", "JPY"],
        "FxCurrencyEnum": ["JPY"],
        "InstrumentKindEnum": "financing.models.Kind",
        "InstrumentKindInEnum": ["equity", "loan", "guarantee"],
        "DocumentKindEnum": "documents.models.Kind",
    },
}

# API tokens (django-rest-knox): named, stored as a hash, ending after ACCORD_TOKEN_DAYS.
ACCORD_TOKEN_DAYS = int(os.environ.get("ACCORD_TOKEN_DAYS", "90"))
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# Knox's own migrations create its default token table even when the model is swapped out
# (and PostgreSQL then refuses to empty auth_user around it): Accord has no use for them.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=ACCORD_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# --- Celery ---------------------------------------------------------------------------
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
# Eager tasks still build a producer to serialise their arguments: without a broker give it
# the in-memory transport, not the AMQP default that warns "No hostname was supplied".
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# When the broker connection drops mid-task, a late-acknowledged task cannot be acked: cancel
# it so that it is redelivered, rather than keep it as active, which with a prefetch of one
# left a worker that never took another message after Redis restarted (Celery 6's default).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "close-due-ballots": {
        "task": "committee.tasks.close_due_ballots",
        "schedule": 60.0,
    },
    # Conditions past their due date, daily; ballot reminders 24 h ahead.
    "mark-overdue-conditions": {
        "task": "committee.tasks.mark_overdue_conditions",
        "schedule": crontab(hour=0, minute=5),
    },
    "send-deadline-reminders": {
        "task": "notifications.tasks.send_deadline_reminders",
        "schedule": 300.0,
    },
    # Mail is queued on commit; this sweep sends what a commit could not queue (broker down).
    "dispatch-decision-log-mail": {
        "task": "notifications.tasks.dispatch_decision_log",
        "schedule": 60.0,
    },
    # Every instrument's figures checked (changed ones written), the totals of the month-end
    # just closed recorded and the limits checked, just after midnight business time.
    "recompute-exposure-nightly": {
        "task": "financing.tasks.recompute_exposure",
        "schedule": crontab(hour=business_midnight_utc_hour(), minute=10),
    },
}
# Redis redelivers a message a worker took but never acknowledged (acks_late) once this many
# seconds have passed; a worker child killed mid-task is requeued at once
# (reject_on_worker_lost), but a whole worker process killed is only noticed this way.
# Longer than the longest task: the nightly exposure recompute takes seconds. Workers look
# for such messages every `unacked_restore_interval` seconds (kombu's default, 10 s × a
# throttle of 10, would wait 100 s whatever the timeout).
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT)),
    "unacked_restore_throttle": 1,
}

# --- Email (README.md: Django's own names; sent by Celery tasks after commit) -------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Accord <accord@localhost>")
# The absolute address of the site, for the links in mail.
ACCORD_SITE_URL = os.environ.get("ACCORD_SITE_URL", "http://127.0.0.1:8000")

# --- Accord ---------------------------------------------------------------------------
ACCORD_VOTING_RULE = os.environ.get("ACCORD_VOTING_RULE", "dual_majority")
ACCORD_PROGRAM_LIMIT_USD = Decimal(os.environ.get("ACCORD_PROGRAM_LIMIT_USD", "550000000000"))
ACCORD_EQUITY_LIMIT_RATIO = Decimal(os.environ.get("ACCORD_EQUITY_LIMIT_RATIO", "0.02"))
# Transactions and distributions worth at least this many USD (at the day's rate) wait for a
# second staff user's approval; unset or empty: none do (reversals and true-ups always wait).
ACCORD_FOUR_EYES_USD = (
    Decimal(os.environ["ACCORD_FOUR_EYES_USD"]) if os.environ.get("ACCORD_FOUR_EYES_USD") else None
)
# Resolutions are signed with this PEM key and certificate; `make run` makes a self-signed
# pair under var/demo-signing/ when none is given (manage.py signing_demo_pair).
ACCORD_SIGNING_KEY = os.environ.get("ACCORD_SIGNING_KEY", "")
ACCORD_SIGNING_CERT = os.environ.get("ACCORD_SIGNING_CERT", "")
ACCORD_DEMO_SIGNING_DIR = BASE_DIR / "var" / "demo-signing"
# Noto Sans CJK (Debian's fonts-noto-cjk, installed by the Makefile) is embedded in every
# resolution, so its Japanese renders and extracts anywhere.
_NOTO = Path("/usr/share/fonts/opentype/noto")
ACCORD_RESOLUTION_FONT = os.environ.get(
    "ACCORD_RESOLUTION_FONT", str(_NOTO / "NotoSansCJK-Regular.ttc")
)
# A reduced copy of it (built on first use) makes rendering fast: committee/fonts.py.
ACCORD_FONT_CACHE_DIR = os.environ.get("ACCORD_FONT_CACHE_DIR", str(BASE_DIR / "var" / "fonts"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Sign-ins, failures, lockouts, factors, tokens and password changes (accounts.audit):
    # kept at INFO whatever LOG_LEVEL says, for the security record.
    "loggers": {"accord.security": {"level": os.environ.get("SECURITY_LOG_LEVEL", "INFO")}},
}
