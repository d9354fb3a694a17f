"""Settings for Công vụ, read from the environment.

One module for every environment (healthchecks style). The defaults give a zero-setup development
site: SQLite under ``var/``, Celery tasks run eagerly, DEBUG on. ``DJANGO_ENV=production`` turns on
every hardening that ``manage.py check --deploy`` asks for.

Environment variables: DJANGO_ENV, SECRET_KEY, DEBUG, ALLOWED_HOSTS, DATABASE_URL, CONN_MAX_AGE,
CELERY_BROKER_URL, CELERY_RESULT_BACKEND, REDIS_URL (cache), CSRF_TRUSTED_ORIGINS,
SECURE_SSL_REDIRECT, MEDIA_ROOT, STATIC_ROOT, EMAIL_URL-style settings (EMAIL_HOST, EMAIL_PORT
…), TRUSTED_PROXY_COUNT, SESSION_COOKIE_AGE, SESSION_IDLE_TIMEOUT, PASSWORD_RESET_TIMEOUT.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a random key kept in var/secret_key (created once)."""
    if env("SECRET_KEY"):
        return env("SECRET_KEY")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# ENVIRONMENT
# ------------------------------------------------------------------------------
DJANGO_ENV = env("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"

SECRET_KEY = _secret_key()
# The key signs sessions and password-reset links and protects the exam passwords: in production a
# weak one is refused outright (the bounds of Django's security.W009 check, which only warns).
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5
                   or SECRET_KEY.startswith("django-insecure-")):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters (for example "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`), or leave SECRET_KEY "
        "unset to use the key generated in VAR_DIR/secret_key")
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "guardian",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "core",
    "positions",
    "personnel",
    "appraisal",
    "recruitment",
    "streamlining",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First: the request id is in every log line and
    # audit entry of the request (core/request_id.py).
    "core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.locale_middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the TOTP step (core/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a login unless it is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.IdleTimeoutMiddleware",
    # Staff who hold personal data finish the TOTP step (or enrol) before any other page.
    "core.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.AuditContextMiddleware",
    # Login throttling; must stay last.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files served by the application server itself (no separate web server needed).
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "login"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

# DATABASE
# ------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cong_vu.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while an import writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Persistent connections: ≈10× more requests per second for small views (DESIGN.md §5).
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHE
# ------------------------------------------------------------------------------
if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env("REDIS_URL")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Login throttles must be shared by every process (a per-process counter multiplies the limit by the
# number of workers): Redis when there is one, else a table in the database (core migration 0003).
CACHES["throttle"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL"),
     "KEY_PREFIX": "throttle"}
    if env("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
          "LOCATION": "core_throttle_cache"}
)

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
GUARDIAN_RAISE_403 = True
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous visitors are denied everything

# Login throttling (django-axes): 5 failures per (username, IP) lock the pair for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a reverse proxy every visitor arrives from the proxy's address, so one (username, proxy)
# pair would lock the owner out for everyone. The client is taken from X-Forwarded-For, counting
# TRUSTED_PROXY_COUNT proxies from the right; with 0 (no proxy) the header is a client's forgery
# and is ignored (core/client_ip.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
# Two-factor sign-in (django-otp, TOTP) for HR officers, committee members and admins
# (core/two_factor.py): an enrolled user always gives the code after the password; with
# OTP_REQUIRED_FOR_HR (on in production) one who has not enrolled is sent to enrol before any other
# page. Off in development so the demo logins of `make run` work with a password alone.
OTP_REQUIRED_FOR_HR = env_bool("OTP_REQUIRED_FOR_HR", PRODUCTION)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Công vụ")
# Seconds between the password and the code before the password must be given again.
OTP_LOGIN_PENDING_SECONDS = env_int("OTP_LOGIN_PENDING_SECONDS", 300)
# Reset links by e-mail are valid for an hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600)

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)  # absolute limit from login
SESSION_COOKIE_HTTPONLY = True
# Staff sessions end after this many seconds without a request (core/middleware.py).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)

# INTERNATIONALISATION: Vietnamese first, English available.
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# STATIC AND MEDIA
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads: spreadsheets and evidence documents only, 20 MB at most (DESIGN.md §5, security).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# What one imported file may cost, checked before it is read (core/sheet_bounds.py), for the upload
# pages and the commands alike. A province's personnel file is about 100,000 rows × 25 columns.
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1000 * 1000)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 6_000_000)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 5000)  # columns may set a lower bound
# Task runs on one import job before it is marked failed (a file that kills its worker is
# redelivered by acks-late; without a bound it would be retried forever).
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", 3)

# CELERY: eager unless a broker is configured.
# ------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND",
                            CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
# a task a worker died on is redelivered; tasks are written to be idempotent
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # Exam day: attempts past their deadline are submitted even if the candidate never comes back.
    "exam-submit-due": {"task": "recruitment.tasks.submit_due_attempts", "schedule": 20.0},
    # Appraisal: e-mail reminders in the last days of each month or quarter (appraisal_reminders).
    "appraisal-reminders": {"task": "appraisal.tasks.send_reminders",
                            "schedule": crontab(hour=7, minute=0)},
    # Personnel: retirement notices (6 months) and decisions (3), raises and contract ends due
    # (personnel_notices), to the unit's HR officers in Công vụ and by e-mail.
    "personnel-notices": {"task": "personnel.tasks.send_notices",
                          "schedule": crontab(hour=6, minute=30)},
    # Personnel: a salary step decided ahead of its date becomes the current one on that date.
    "salary-roll-forward": {"task": "personnel.tasks.salary_roll_forward",
                            "schedule": crontab(hour=0, minute=5)},
}
# Imports with more rows than this run as a background task with a progress bar.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 2000)

# API
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Tokens first: a caller without credentials then
    # gets 401 with WWW-Authenticate (core.api_tokens).
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.api_tokens.ApiTokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated",
                                   "core.api_tokens.HasTokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["core.api_tokens.UserApiThrottle",
                                 "core.api_tokens.TokenApiThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api_tokens.CappedLimitOffsetPagination",
    "PAGE_SIZE": 50,
}
# Per user (session or any of their tokens) and per token, counted in CACHES["throttle"].
API_THROTTLE_RATES = {"user": env("API_USER_RATE", "1200/min"),
                      "token": env("API_TOKEN_RATE", "600/min")}
SPECTACULAR_SETTINGS = {
    "TITLE": "Công vụ API",
    "DESCRIPTION": "HR and competency management for Vietnamese civil servants",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files: no CDN, CSP 'self' holds.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# SECURITY
# ------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer probes the nodes over plain HTTP: /healthz answers it instead of redirecting.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# E-MAIL
# ------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Công vụ <no-reply@localhost>")
# The site's address for links in e-mails sent without
# a request (reminders); none if unset in production.
SITE_URL = env("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")

# LOGGING
# ------------------------------------------------------------------------------
# One JSON object per line with the request id in production (LOG_FORMAT=json), plain text in
# development; the id is the X-Request-ID header sent back and kept in the audit entries.
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.request_id.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# HEALTH CHECK (/healthz, core/health.py)
# ------------------------------------------------------------------------------
HEALTHZ_BROKER_TIMEOUT = float(env("HEALTHZ_BROKER_TIMEOUT", "1.0"))  # seconds
HEALTHZ_MIN_FREE_MB = env_int("HEALTHZ_MIN_FREE_MB", 500)  # of MEDIA_ROOT and the SQLite directory
