"""Settings for the OMiC staff app: one module, configured from the environment only."""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# A development key only works with DEBUG on: with DEBUG off (production, the default) the
# app refuses to start rather than sign sessions with a key anyone can read here.
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the app will not start without one: set "
            "SECRET_KEY to a long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set DEBUG=true "
            "on a development machine."
        )
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"  # noqa: S105
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_beat",
    "axes",
    "csp",
    "omic",
    "keywork",
    "allocation",
]

MIDDLEWARE = [
    # Outermost, so every log line of the request (the 500's traceback too) carries its id.
    "omic.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After static files (whitenoise answers those itself and they hold no personal data):
    # every response of the app's own pages and downloads is marked no-store.
    "omic.middleware.NoStoreMiddleware",
    # Before sessions and the login wall: a control character gets a 400, not a 500.
    "omic.middleware.RefuseControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in user unless its view is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "omic.password_change.MustChangePasswordMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "omic.urls"

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
                "omic.context_processors.service",
            ],
        },
    },
]

# Widgets render with the project's templates, so that templates/django/forms/ can override
# one (the select, for speed).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "omic.wsgi.application"

if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from omic.embedded_db import embedded_database

    DATABASES = {"default": embedded_database(BASE_DIR)}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# A kept connection is checked before a request reuses it: after PostgreSQL restarts (a
# failover, maintenance) the next request connects again instead of failing on a dead one.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_omic")}

AUTH_USER_MODEL = "omic.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout check first: it refuses a locked-out user or address before any password check.
AUTHENTICATION_BACKENDS = [
    "omic.accounts.SignInLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# HTTPS: on whenever DEBUG is off. HTTPS=false turns it off for a plain-http run on one's own
# machine (a load test on 127.0.0.1); `check --deploy` then says what that gives up.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# The load balancer ends TLS and says so in X-Forwarded-Proto (it must set or strip the header).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload directive only lets the domain's owner submit it to the browsers' list.
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # one shift
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp): everything from our own origin, nothing inline
# (templates load static/js and static/css only), and no page may be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Sign-in lockout (django-axes): LOCKOUT_FAILURES failed sign-ins for one username, or from
# one address, lock it for LOCKOUT_MINUTES (each further failure starts the wait again);
# an admin can lift it at once (omic.accounts.unlock_user).
AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURES", default=10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "omic.accounts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "omic.accounts.client_address"
# Addresses behind the load balancer: how many proxies append to X-Forwarded-For (0: none,
# the address is the connection's own).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_ENABLE_ADMIN = False
# Failed attempts are kept (AccessAttempt); the successful-sign-in log is not needed.
AXES_DISABLE_ACCESS_LOG = True
AXES_HTTP_RESPONSE_CODE = 429

# Celery: with no REDIS_URL tasks run eagerly in-process, so the demo needs no broker.
REDIS_URL = env("REDIS_URL", default="")
# Connections a full compliance rebuild uses at once (keywork.compliance): one per core of
# the database server is about right.
COMPLIANCE_REBUILD_WORKERS = env.int("COMPLIANCE_REBUILD_WORKERS", default=2)
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A broker outage must not hang a user's request: fail fast and log; the recompute stays in
# the outbox (keywork.models.RecomputeRequest) until a sweep runs it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    # Nightly, first: unavailable staff expected back today are active again.
    "return-staff-due-back": {
        "task": "omic.tasks.return_staff_due_back",
        "schedule": crontab(hour=2, minute=5),
    },
    # Every 5 minutes: run the recomputes whose enqueue failed (the broker was down); the
    # first run after the broker is back catches up.
    "sweep-recompute-outbox": {
        "task": "keywork.tasks.sweep_recompute_outbox",
        "schedule": crontab(minute="*/5"),
    },
    # Nightly: end departed allocations and recompute the open weeks of every prison, with
    # whatever the outbox still holds.
    "reconcile-open-weeks": {
        "task": "keywork.tasks.reconcile_open_weeks",
        "schedule": crontab(hour=2, minute=15),
    },
    # Monday morning: close out the week just ended.
    "close-out-last-week": {
        "task": "keywork.tasks.close_out_last_week",
        "schedule": crontab(hour=5, minute=30, day_of_week="mon"),
    },
    # Nightly, before the handover store: POM allocations of departed prisoners end.
    "end-pom-allocations-for-departures": {
        "task": "allocation.tasks.end_pom_allocations_for_departures",
        "schedule": crontab(hour=0, minute=20),
    },
    # Nightly: store every prisoner's responsibility and handover figures for the new day.
    "recalculate-handovers": {
        "task": "allocation.tasks.recalculate_handovers",
        "schedule": crontab(hour=0, minute=30),
    },
}

# Logs go to stderr, each line with the id of the request it belongs to ("-" outside one);
# a 500 is logged by django.request at ERROR with its traceback.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "omic.request_ids.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "omic": {"handlers": ["console"], "level": LOG_LEVEL},
        "keywork": {"handlers": ["console"], "level": LOG_LEVEL},
        "allocation": {"handlers": ["console"], "level": LOG_LEVEL},
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
}

# Demo password for the demo users that generate_estate creates (documented in README).
DEMO_PASSWORD = env("OMIC_DEMO_PASSWORD", default="omic-demo-2026")
