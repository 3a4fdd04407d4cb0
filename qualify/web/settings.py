"""Django settings for Qualify.

Every value comes from the environment or the config file (see ``qualify.web.config``):

- ``DATABASE_URL`` (default: a SQLite file ``$QUALIFY_HOME/qualify.sqlite3``, ``./var`` by default)
- ``SECRET_KEY`` (required by ``qualify serve``), ``QUALIFY_ALLOWED_HOSTS``, ``QUALIFY_CSRF_TRUSTED_ORIGINS``
- ``QUALIFY_INSECURE_COOKIES=1`` (plain-http local use), ``QUALIFY_HSTS_SECONDS``,
  ``QUALIFY_SSL_REDIRECT=1``, ``QUALIFY_BEHIND_PROXY=1`` (trust ``X-Forwarded-Proto``)
- ``TIME_ZONE`` (default Asia/Shanghai), ``QUALIFY_DEBUG=1`` (never in production)
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from qualify.services.clock import DEFAULT_TIME_ZONE
from qualify.web import config

WEB_DIR = Path(__file__).resolve().parent
MODE = config.mode()
HOME = config.home()
QUALIFY_DEMO = MODE == "demo"

# --- secrets and debugging -----------------------------------------------------------------------

SECRET_KEY = config.get("SECRET_KEY") or config.get("DJANGO_SECRET_KEY")
QUALIFY_SECRET_MISSING = not SECRET_KEY
if QUALIFY_SECRET_MISSING:
    if MODE == "serve":
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY is not set (environment or QUALIFY_CONFIG file)")
    SECRET_KEY = "qualify-dev-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 dev/test only

DEBUG = config.flag("QUALIFY_DEBUG")
_hosts = config.get("QUALIFY_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in config.get("QUALIFY_CSRF_TRUSTED_ORIGINS", "").split(",")
                        if o.strip()]

# --- applications ----------------------------------------------------------------------------------

# The apps of the other areas join as soon as their package exists (an app that exists but fails to
# import fails loudly: find_spec only looks for the package, it does not hide import errors).
_AREA_APPS = ["qualify.web.standards", "qualify.web.screening", "qualify.web.certification"]

INSTALLED_APPS = [
    "qualify.web.accounts",
    "qualify.web.people",
    *[app for app in _AREA_APPS if find_spec(app) is not None],
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # its bundled Swagger UI: the API docs work offline
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qualify.web.accounts.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "qualify.web.urls"
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
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------------

_sqlite_default = f"sqlite:///{HOME / 'qualify.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        config.get("DATABASE_URL") or _sqlite_default, conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if not config.get("DATABASE_URL"):
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

# Login throttling (stored in the database, so it holds across processes and hosts).
QUALIFY_LOGIN_FAILURES = int(config.get("QUALIFY_LOGIN_FAILURES", "5"))
QUALIFY_LOGIN_WINDOW_MINUTES = int(config.get("QUALIFY_LOGIN_WINDOW_MINUTES", "15"))

# --- sessions, cookies, headers ------------------------------------------------------------------

SESSION_COOKIE_AGE = int(config.get("QUALIFY_SESSION_HOURS", "8")) * 3600
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

_secure_cookies = MODE == "serve" and not config.flag("QUALIFY_INSECURE_COOKIES")
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
LANGUAGE_COOKIE_SECURE = _secure_cookies
if MODE == "serve":
    SECURE_HSTS_SECONDS = int(config.get("QUALIFY_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = config.flag("QUALIFY_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_SSL_REDIRECT = config.flag("QUALIFY_SSL_REDIRECT")
if config.flag("QUALIFY_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Uploads: a workbook of up to 20 MB; anything bigger is refused before it is read.
QUALIFY_UPLOAD_MAX_BYTES = int(config.get("QUALIFY_UPLOAD_MAX_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Files of one certification application (evidence; an appeal's attachments apart): at most this many
# files and this many MB in all, so that one applicant cannot fill the disk 10 MB at a time.
QUALIFY_EVIDENCE_MAX_FILES = int(config.get("QUALIFY_EVIDENCE_MAX_FILES", "50"))
QUALIFY_EVIDENCE_MAX_TOTAL_BYTES = int(config.get("QUALIFY_EVIDENCE_MAX_TOTAL_MB", "100")) * 1024 * 1024

# --- languages and time -------------------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = config.get("TIME_ZONE", DEFAULT_TIME_ZONE)  # every date shown or compared is local

# --- static files ------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
STATIC_ROOT = Path(config.get("QUALIFY_STATIC_ROOT", "") or HOME / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
    if MODE != "serve" or not config.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = config.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = config.get("DEFAULT_FROM_EMAIL", "qualify@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.get("QUALIFY_LOG_LEVEL", "WARNING")},
}

# --- the API ------------------------------------------------------------------------------------

NINJA_PAGINATION_PER_PAGE = 50
