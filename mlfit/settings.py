"""Settings for mlfit, read from environment variables.

Development defaults are safe to run locally; with DJANGO_DEBUG off the
project refuses to start unless the secrets it needs are set.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Return the environment variable `name` read as a yes/no flag."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}."
    )


def env_list(name: str, default: str) -> list[str]:
    """Return the comma-separated environment variable `name` as a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off mlfit refuses to start "
            "without a secret key: set DJANGO_SECRET_KEY to a long random string."
        )
    # Only ever used with debug on, on a developer's machine.
    SECRET_KEY = "django-insecure-mlfit-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Before the admin, so that translated fields show side by side there.
    "modeltranslation",
    # Django's admin, on a site that lists the questionnaire first.
    "mlfit.apps.MlfitAdminConfig",
    "django.contrib.auth",
    "django.contrib.humanize",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Drag-and-drop order of statements, reasons and roles in the admin.
    "adminsortable2",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After the CSP, so that its 400 and 413 pages carry the same headers.
    "mlfit.middleware.MalformedRequestMiddleware",
    "mlfit.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mlfit.urls"
WSGI_APPLICATION = "mlfit.wsgi.application"

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
                "mlfit.context_processors.layout",
            ],
        },
    },
]

# A SQLite file in the project root unless DATABASE_URL says otherwise, e.g.
# postgres://user:password@localhost:5432/mlfit
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Counts failed admin logins and locks out who keeps guessing.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface and the questionnaire come in English and Simplified Chinese.
# The language is chosen from the browser's Accept-Language until the person
# picks one with the switcher, which keeps it in a cookie (see README).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Content fields get one column per language; an empty Chinese field falls
# back to the English one rather than showing nothing.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "mlfit.storage.StaticFilesStorage"
        )
    },
}

# Respondents are anonymous: the session cookie is what ties a browser to the
# questionnaire it started, so it lives long enough to come back to.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS in production. Behind a proxy that terminates TLS, name the header it
# sets, e.g. DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"], "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "assessments.views.csrf_failure"

# Every page is served with no inline script or style, so the policy needs no
# exceptions. Bootstrap draws its radio and check marks from data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Failed admin logins: after AXES_FAILURE_LIMIT failures for one user name from
# one address, that pair is locked out for AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client address as the rate limits see it (mlfit.ratelimit): the peer, or
# what a trusted proxy forwards when MLFIT_CLIENT_IP_HEADER is set, never a
# header a client could forge. Behind a proxy, one attacker then no longer
# locks out everyone; and failures during a lockout do not extend it.
AXES_CLIENT_IP_CALLABLE = "mlfit.ratelimit.client_address"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The questionnaire shown on the landing page.
MLFIT_QUESTIONNAIRE_SLUG = os.environ.get("MLFIT_QUESTIONNAIRE_SLUG", "ml-engineering-fit")

# Norms on the results page ("lean more towards … than 72% of the 1,340 people who
# took this version"): shown for a revision once this many people have completed it
# without an answer-quality flag. Fewer, and a percentile says more about chance than
# about people (assessments.statistics.MIN_NORM_GROUP).
MLFIT_NORMS_MIN = int(os.environ.get("MLFIT_NORMS_MIN", 100))

# The most submissions one XLSX export holds. A workbook is sent only once written in
# full, at about three quarters of a millisecond a row, so a larger one would outlast the proxy's and
# gunicorn's 30 s (deploy/); the CSV streams any number. Raise both timeouts to raise it.
MLFIT_XLSX_MAX_ROWS = int(os.environ.get("MLFIT_XLSX_MAX_ROWS", 20000))

# The largest request body read at all (a step is about 1 KB; an admin edit of
# the whole questionnaire about 100 KB). Larger ones get a 413 page.
MLFIT_MAX_REQUEST_BYTES = int(os.environ.get("MLFIT_MAX_REQUEST_BYTES", 1024 * 1024))

# POSTs one client may send in a window of MLFIT_RATE_WINDOW_SECONDS: Start,
# and every other form. A person answering sends a few; a flood gets 429.
# The client is REMOTE_ADDR, or the last address in MLFIT_CLIENT_IP_HEADER
# (e.g. HTTP_X_FORWARDED_FOR) when a trusted proxy in front sets it.
MLFIT_RATE_WINDOW_SECONDS = int(os.environ.get("MLFIT_RATE_WINDOW_SECONDS", 600))
MLFIT_START_LIMIT = int(os.environ.get("MLFIT_START_LIMIT", 30))
MLFIT_POST_LIMIT = int(os.environ.get("MLFIT_POST_LIMIT", 600))
MLFIT_CLIENT_IP_HEADER = os.environ.get("MLFIT_CLIENT_IP_HEADER", "")

# The cache: each process's own memory, unless MLFIT_CACHE_URL names a Redis
# server shared by every app instance (e.g. redis://127.0.0.1:6379/0), which
# the rate limits above need to hold across instances. An unreachable Redis
# counts as a miss and lets rate-limited requests through (see mlfit.cache);
# the short timeouts keep a lost Redis from holding up every request.
MLFIT_CACHE_URL = os.environ.get("MLFIT_CACHE_URL", "")
if MLFIT_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "mlfit.cache.RedisCache",
            "LOCATION": MLFIT_CACHE_URL,
            "KEY_PREFIX": "mlfit",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Session keys are checked for their form before any database sees them: a
# cookie holding a NUL gave PostgreSQL an error on every page.
SESSION_ENGINE = "mlfit.sessions"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
