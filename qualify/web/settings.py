"""Django settings for Qualify.

Every value comes from the environment or the config file (see ``qualify.web.config``):

- ``DATABASE_URL`` (default: a SQLite file ``$QUALIFY_HOME/qualify.sqlite3``, ``./var`` by default)
- ``SECRET_KEY`` (required by ``qualify serve``), ``QUALIFY_ALLOWED_HOSTS``, ``QUALIFY_CSRF_TRUSTED_ORIGINS``
- ``QUALIFY_INSECURE_COOKIES=1`` (plain-http local use), ``QUALIFY_HSTS_SECONDS``,
  ``QUALIFY_SSL_REDIRECT=1``, ``QUALIFY_BEHIND_PROXY=1`` (trust ``X-Forwarded-Proto``)
- ``TIME_ZONE`` (default Asia/Shanghai), ``QUALIFY_DEBUG=1`` (never in production)
- ``QUALIFY_MEDIA_ROOT`` (default ``$QUALIFY_HOME/uploads``), ``QUALIFY_STORAGE_BACKEND``,
  ``QUALIFY_STORAGE_OPTIONS`` (where uploaded and generated files are stored)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from qualify.web import config, observability

# Django's generic classes (ModelAdmin[Model], ModelForm[Model] …) may be subscripted at run time,
# as their type stubs (django-stubs) declare them.
django_stubs_ext.monkeypatch(include_builtins=False)

WEB_DIR = Path(__file__).resolve().parent
ENV = config.settings()  # every variable, typed and checked: a bad value stops here with one line
MODE = ENV.QUALIFY_MODE
HOME = ENV.home
QUALIFY_DEMO = MODE == "demo"

# --- secrets and debugging -----------------------------------------------------------------------

SECRET_KEY = ENV.secret_key
QUALIFY_SECRET_MISSING = not SECRET_KEY
if QUALIFY_SECRET_MISSING:
    if MODE == "serve":
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY is not set (environment or QUALIFY_CONFIG file)")
    SECRET_KEY = "qualify-dev-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 dev/test only

# The audit chain's keys (``id:secret`` pairs, newest first), kept outside the database; without any,
# a key derived from SECRET_KEY signs the chain (qualify.web.accounts.audit.keyring).
QUALIFY_AUDIT_KEYS = config.audit_keys(ENV.QUALIFY_AUDIT_KEYS)

DEBUG = ENV.QUALIFY_DEBUG
ALLOWED_HOSTS = [h.strip() for h in ENV.QUALIFY_ALLOWED_HOSTS.split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in ENV.QUALIFY_CSRF_TRUSTED_ORIGINS.split(",") if o.strip()]

# --- applications ----------------------------------------------------------------------------------

INSTALLED_APPS = [
    "qualify.web.accounts",
    "qualify.web.people",
    "qualify.web.standards",
    "qualify.web.screening",
    "qualify.web.certification",
    "qualify.web.notifications",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # its bundled Swagger UI: the API docs work offline
    "axes",  # login throttling
]

MIDDLEWARE = [
    "qualify.web.observability.RequestIdMiddleware",  # first: every log line of a request has its id
    "django.middleware.security.SecurityMiddleware",
    "qualify.web.accounts.errors.ErrorShapeMiddleware",  # a bare 405 gets the one error shape
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qualify.web.nul.RefuseNulMiddleware",  # before anything reads a value (or the user) into a query
    "qualify.web.accounts.middleware.ProfileLanguageMiddleware",
    "qualify.web.accounts.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qualify.web.accounts.middleware.IdleTimeoutMiddleware",  # after messages: it says why
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "qualify.web.urls"
CSRF_FAILURE_VIEW = "qualify.web.accounts.errors.csrf_failure"
WSGI_APPLICATION = "qualify.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qualify.web.accounts.context.qualify",
                "qualify.web.notifications.context.bell",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------------

_sqlite_default = f"sqlite:///{HOME / 'qualify.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        ENV.DATABASE_URL or _sqlite_default, conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if not ENV.DATABASE_URL:
        HOME.mkdir(parents=True, exist_ok=True)
    # Many processes (web workers, the screening worker) share one file: wait for locks, take the
    # write lock at the start of a transaction, and let readers read while one writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication ------------------------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling by django-axes, stored in the database (holds across processes and hosts): after
# QUALIFY_LOGIN_FAILURES failures for one account (from any address) or from one address (for any
# accounts), logins are refused for QUALIFY_LOGIN_WINDOW_MINUTES after the last failure. The axes
# backend comes first so that a locked-out login is refused before its password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = ENV.QUALIFY_LOGIN_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(minutes=ENV.QUALIFY_LOGIN_WINDOW_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False  # a login to one's own account must not clear an address's failures
AXES_CLIENT_IP_CALLABLE = "qualify.web.accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "qualify.web.accounts.throttle.locked_out"
AXES_VERBOSE = False
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks); none unless behind one.
QUALIFY_TRUSTED_PROXIES = config.networks(
    "QUALIFY_TRUSTED_PROXIES",
    ENV.QUALIFY_TRUSTED_PROXIES if ENV.QUALIFY_TRUSTED_PROXIES is not None
    else ("127.0.0.1,::1" if ENV.QUALIFY_BEHIND_PROXY else ""))

# --- sessions, cookies, headers ------------------------------------------------------------------

SESSION_COOKIE_AGE = ENV.QUALIFY_SESSION_HOURS * 3600
# A session not used for this long ends too (qualify.web.accounts.middleware.IdleTimeoutMiddleware).
QUALIFY_SESSION_IDLE_SECONDS = ENV.QUALIFY_SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from the app itself, no
# inline script anywhere (the pages' scripts are static files), no frames, forms post only here.
# Inline style attributes are allowed: a few bars set their width from data.
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
    }
}

_secure_cookies = MODE == "serve" and not ENV.QUALIFY_INSECURE_COOKIES
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
LANGUAGE_COOKIE_SECURE = _secure_cookies
if MODE == "serve":
    SECURE_HSTS_SECONDS = ENV.QUALIFY_HSTS_SECONDS
    SECURE_HSTS_INCLUDE_SUBDOMAINS = ENV.QUALIFY_HSTS_INCLUDE_SUBDOMAINS
    SECURE_SSL_REDIRECT = ENV.QUALIFY_SSL_REDIRECT
if ENV.QUALIFY_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Uploads: a workbook of up to 20 MB; anything bigger is refused before it is read.
QUALIFY_UPLOAD_MAX_BYTES = ENV.QUALIFY_UPLOAD_MAX_MB * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Files of one certification application (evidence; an appeal's attachments apart): at most this many
# files and this many MB in all, so that one applicant cannot fill the disk 10 MB at a time.
QUALIFY_EVIDENCE_MAX_FILES = ENV.QUALIFY_EVIDENCE_MAX_FILES
QUALIFY_SITE_URL = ENV.QUALIFY_SITE_URL.strip().rstrip("/")  # links in e-mail and robot messages
QUALIFY_EVIDENCE_MAX_TOTAL_BYTES = ENV.QUALIFY_EVIDENCE_MAX_TOTAL_MB * 1024 * 1024

# --- languages and time -------------------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = ENV.TIME_ZONE

# --- static files ------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
STATIC_ROOT = ENV.QUALIFY_STATIC_ROOT or HOME / "static"
# Files (import uploads, screening workbooks, evidence and appeal attachments) go through Django's
# storage API: local disk under MEDIA_ROOT by default (never under the web root, never served
# directly: a view checks who may see each file), or any backend such as django-storages' S3 one
# (QUALIFY_STORAGE_BACKEND, with its options as a JSON object in QUALIFY_STORAGE_OPTIONS).
MEDIA_ROOT = ENV.QUALIFY_MEDIA_ROOT or HOME / "uploads"
_storage_options = config.storage_options(ENV.QUALIFY_STORAGE_OPTIONS)
STORAGES = {
    "default": {"BACKEND": ENV.QUALIFY_STORAGE_BACKEND, "OPTIONS": _storage_options},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if MODE == "serve" else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if MODE != "serve":
    # demo and dev serve the files straight from the packages, no collectstatic needed.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# --- email and logging ---------------------------------------------------------------------------------

EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if MODE != "serve" or not ENV.EMAIL_HOST
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = ENV.EMAIL_HOST or "localhost"
EMAIL_PORT = ENV.EMAIL_PORT
EMAIL_HOST_USER = ENV.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = ENV.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = ENV.EMAIL_USE_TLS
DEFAULT_FROM_EMAIL = ENV.DEFAULT_FROM_EMAIL

# Every line carries the request's id (X-Request-ID); QUALIFY_LOG_FORMAT=json writes JSON lines.
LOGGING = observability.logging_config(ENV.QUALIFY_LOG_LEVEL, ENV.QUALIFY_LOG_FORMAT)
# A dotted path to a callable ``hook(exception, request_id)`` called on every server error.
QUALIFY_ERROR_HOOK = ENV.QUALIFY_ERROR_HOOK
# A worker silent for longer is dead: /healthz says so, and its running screening run is failed.
QUALIFY_WORKER_STALE_SECONDS = ENV.QUALIFY_WORKER_STALE_SECONDS

# --- the API ------------------------------------------------------------------------------------

NINJA_PAGINATION_PER_PAGE = 50
