from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_header, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off (set DJANGO_DEBUG=1 for a laptop demo).")
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG=1"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

# HTTPS. With debug off each switch is on unless its variable turns it off, as cookiecutter-django's
# production settings are: a deployment served over plain http says so (docker-compose.yml does, on
# localhost). With debug on (the laptop demo) each is off.
_https = not DEBUG
# Only behind a proxy that sets the header and strips it from clients; "0" when there is none.
SECURE_PROXY_SSL_HEADER = env_header("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https" if _https else "")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", _https)
# A load balancer probes health over plain http inside its own network; a redirect would read as down.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", _https)
# Off unless asked for: once a domain is on the browsers' preload lists, every subdomain of it is
# HTTPS-only in every browser for months, whoever runs them; the owner of the domain decides that.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", _https)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    "visits",
    "scheduling",
    "volunteers",
    "rota",
    "reporting",
    "publication",
    "backend",  # the site itself: the demo seed, which puts the apps together
    "phone",
    "web",
]

MIDDLEWARE = [
    # First, so that a public statistics page kept whole is served with every header the rest added.
    "publication.answers.PublicAnswerMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "api.http_errors.DatabaseUnavailableMiddleware",
    # Serves the admin's and Swagger's static files under gunicorn, without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "web.middleware.SchemeTimeMiddleware",
    "web.middleware.PersonLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Scripts, styles, fonts and images from this site only, never inline: an injected `<script>` or
# `style=` does nothing. Swagger UI's start-up script is a file too (SpectacularSwaggerSplitView);
# data: images are the icons inside its style sheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The covering indexes keep their INCLUDE columns on PostgreSQL; the SQLite demo gets plain ones.
# HSTS preload is a choice for the domain's owner (see SECURE_HSTS_PRELOAD), not a missing setting.
SILENCED_SYSTEM_CHECKS = ["models.W040", "security.W021"]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'icv.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer fails the request in seconds (a 503 the phone retries)
    # instead of holding it until the web server's own timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    # A statement run this many times on a connection is prepared on the server (psycopg's own
    # preparation, which needs server-side binding): a report's INSERTs and the roll-up's upsert took
    # longer to be planned than to run. 0 turns it off, for a pooler in transaction mode that cannot
    # keep prepared statements (PgBouncer before 1.21).
    if (prepare_after := env_int("DJANGO_DB_PREPARE_THRESHOLD", 5)) > 0:
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=prepare_after)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer rather than failing at once (demo server + in-process tasks).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# The sign-in throttle counts here. One process's memory by default; behind several web processes
# set DJANGO_CACHE_URL to Redis so that they share one count.
# How long a public statistics page is served whole from a process's memory after it changes
# (that process forgets it at once; publication/answers.py).
PUBLIC_ANSWER_SECONDS = env_int("DJANGO_PUBLIC_ANSWER_SECONDS", 60)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("DJANGO_CACHE_URL")}
    if env_str("DJANGO_CACHE_URL") else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

AUTH_USER_MODEL = "visits.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The product's own sign-in for every role; the admin keeps its own for staff.
LOGIN_URL = "web:signin"
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "web:signin"

LANGUAGE_CODE = "en-gb"
# English and Welsh: each person's choice (User.language) on the desk and in e-mails, the
# Accept-Language header on the API. Each app keeps its catalogue in its own locale/ folder;
# the API edge's and the site's are in locale/ at the top.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["web.formats"]  # en-GB and cy: day month year, the 24-hour clock
TIME_ZONE = "UTC"  # stored times are UTC; each scheme's own zone is used for days and bands
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Collected static files get a hash in their names and gzip copies, so WhiteNoise serves them compressed
# and cached for a year (a new release has new names). Needs `collectstatic`, as the Dockerfile and
# scripts/demo run; in debug (runserver serving from the apps' folders) the names stay plain.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Files browsers ask for at the site's root (favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "web" / "root"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# E-mail: one EMAIL_URL (smtp://user:password@host:587/?tls=True, or ?ssl=True on port 465), or
# EMAIL_HOST and its companions. With neither, e-mails are printed (console) unless
# DJANGO_EMAIL_BACKEND names another backend (the demo's writes files to var/mail).
_email = dj_email_url.parse(env_str("EMAIL_URL")) if env_str("EMAIL_URL") else {}
EMAIL_HOST = _email.get("EMAIL_HOST") or env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT") or env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS") or env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL") or env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS, usually port 587) or EMAIL_USE_SSL (port 465), not both.")
# A server that stops answering must not hold a worker past the notification's lease.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
_smtp_configured = bool(_email) or bool(env_str("EMAIL_HOST"))
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND") or (
    _email.get("EMAIL_BACKEND") if _email else
    "django.core.mail.backends.smtp.EmailBackend" if _smtp_configured else
    "django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"  # where the file backend of the demo leaves e-mails
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "icv@localhost")
# The address of this service as its users reach it, for the links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long a worker holds a notification it is sending before another may take it: longer than
# EMAIL_TIMEOUT, so a slow server is not sent the same e-mail twice.
NOTIFICATION_LEASE_SECONDS = env_int("NOTIFICATION_LEASE_SECONDS", 300)
if NOTIFICATION_LEASE_SECONDS <= EMAIL_TIMEOUT:
    raise ImproperlyConfigured("NOTIFICATION_LEASE_SECONDS must be longer than EMAIL_TIMEOUT.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backend.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "URL_FORMAT_OVERRIDE": "format",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.ExplicitFormatWins",
    "PAGE_SIZE": 50,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    # Sign-in attempts (right or wrong) per hour, at the API and the desk together: a phone signs in
    # once a fortnight, a guesser often. The address's count takes password-reset requests too; one
    # inbox gets at most five reset links an hour.
    "DEFAULT_THROTTLE_RATES": {"sign-in-account": "10/hour", "sign-in-address": "50/hour",
                               "password-reset-account": "5/hour"},
    # Proxies in front of the service that append to X-Forwarded-For: the client's address is read
    # from that header instead of the proxy's, for the sign-in throttle.
    "NUM_PROXIES": env_int("DJANGO_NUM_PROXIES", 0),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=30),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=14),
    "ROTATE_REFRESH_TOKENS": True,
    # A rotated refresh token is dead: a token stolen from a lost phone stops working at the next refresh.
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Independent custody visiting API",
    "DESCRIPTION": (
        "Visit reports from volunteers' phones, coverage and recommendations for volunteer "
        "managers, KPIs for managers and analysts. Another scheme's objects answer 404."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed package, not a CDN: police networks are often closed.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Listed once: a second key of the same name silently replaced the first (ruff's F601 now fails it).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.errors.document_unsupported_media_type",
        "backend.schema.document_outages",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "visits.models.Role",
        "ReportStatusEnum": "visits.models.ReportStatus",
        "SiteKindEnum": "visits.models.SiteKind",
        "AccessBandEnum": "visits.models.AccessBand",
        "IssueStatusEnum": "visits.models.IssueStatus",
        "OutcomeEnum": "visits.models.Outcome",
        "AnimalOutcomeEnum": "visits.models.ANIMAL_OUTCOMES",
        "AuthorisingRankEnum": "visits.models.AuthorisingRank",
        "WelfareStateEnum": "visits.models.WelfareState",
        "LeavingReasonEnum": "visits.models.LeavingReason",
        "StageEnum": "visits.models.Stage",
    },
}

# Celery: with no broker the demo runs tasks in-process, synchronously.
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task (a year's export of every scheme, the weekly refresh) takes seconds; past this
# limit it is stopped (a soft limit first, so it can retry). A message still unacknowledged after
# two limits (one waiting out a retry's countdown, capped at one limit, one running) belongs to a
# worker that died whole, and the next worker to start (or a running one, within 100 s) hands it
# out again; kombu's default would wait an hour.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT * 9 // 10
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hang a request: publishing fails fast and the outbox sweeper retries.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
                                   "visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # One line per task is noise in the in-process demo; workers log their own tasks.
    "loggers": {"celery.app.trace": {"level": "WARNING"}},
}
