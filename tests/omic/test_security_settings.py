"""Production settings are secure by default, and every page carries the security headers.

The settings tests run manage.py in a process of its own with only the environment
production is documented to need, because the test run's own settings (tests/settings.py)
turn HTTPS off for the plain-http test client."""

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests import factories

ROOT = Path(django_settings.BASE_DIR)
TEMPLATES = ROOT / "templates"

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def production_environment(**extra) -> dict:
    """DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS, nothing else (DEBUG unset)."""
    database = django_settings.DATABASES["default"]
    environment = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": "redis://127.0.0.1:6379/5",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "omic.example.gov.uk",
    }
    environment.update(extra)
    return {key: value for key, value in environment.items() if value is not None}


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_only_the_documented_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env=production_environment(SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
    assert "DEBUG=true" in result.stderr  # the message says what to do


def test_debug_may_run_on_the_development_key():
    result = manage("check", env=production_environment(SECRET_KEY=None, DEBUG="true"))
    assert result.returncode == 0, result.stderr


SHOW_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name) for name in ["
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', "
    "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'X_FRAME_OPTIONS', "
    "'SECURE_REFERRER_POLICY', 'SESSION_COOKIE_HTTPONLY', 'DEBUG']}))"
)


def production_settings(**extra) -> dict:
    env = production_environment(DJANGO_SETTINGS_MODULE="omic.settings", **extra)
    result = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_are_https_only():
    assert production_settings() == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 365 * 24 * 60 * 60,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SESSION_COOKIE_HTTPONLY": True,
        "DEBUG": False,
    }


def test_https_false_is_the_one_switch_that_turns_it_off():
    shown = production_settings(HTTPS="false")
    assert (shown["SESSION_COOKIE_SECURE"], shown["SECURE_SSL_REDIRECT"], shown["SECURE_HSTS_SECONDS"]) == (
        False,
        False,
        0,
    )


@pytest.fixture
def https_on(settings):
    """The production HTTPS settings, in this process (middleware reads them per test client)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True


def test_plain_http_is_redirected_to_https(client, db, https_on):
    response = client.get("/login/?next=/hq/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/?next=/hq/"


def test_https_behind_the_load_balancer_gets_hsts_and_secure_cookies(client, db, https_on):
    response = client.get("/login/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.cookies["csrftoken"]["secure"] is True


@pytest.fixture
def signed_in(client, make_user):
    prison = factories.PrisonFactory(code="LEI")
    wing = factories.WingFactory(prison=prison, code="A")
    spell = factories.CustodySpellFactory(prison=prison, wing=wing)
    client.force_login(make_user("admin", prisons=[prison]))
    return {"prison": prison, "wing": wing, "prisoner": spell.prisoner_id}


def pages(values) -> list[str]:
    code, number = values["prison"].code, values["prisoner"]
    return [
        "/",
        f"/prisons/{code}/",
        f"/prisons/{code}/staff/",
        f"/prisons/{code}/staff/?format=csv",
        f"/prisons/{code}/wings/A/",
        f"/prisons/{code}/wings/A/?format=csv",
        f"/prisoners/{number}/",
        "/password/",
    ]


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_page_and_download_has_the_security_headers(client, signed_in):
    for path in pages(signed_in):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store", path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        directives = csp_directives(response)
        assert directives["frame-ancestors"] == ["'none'"], path
        assert directives["script-src"] == ["'self'"], path
        assert directives["style-src"] == ["'self'"], path
        assert directives["default-src"] == ["'self'"], path
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], path


def test_the_sign_in_page_a_redirect_and_a_404_are_not_stored_either(client, signed_in):
    client.logout()
    for path, status in (("/login/", 200), ("/hq/", 302)):
        response = client.get(path)
        assert response.status_code == status
        assert response["Cache-Control"] == "no-store"
    client.force_login(factories.UserFactory(role="hq"))
    for path, status in (("/prisons/NOPE/", 404),):
        response = client.get(path)
        assert response.status_code == status
        assert response["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(client, db, settings):
    # Whitenoise answers static files before NoStoreMiddleware: they hold no personal data.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/js/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


def test_rendered_pages_have_no_inline_script_or_style(client, signed_in):
    for path in [p for p in pages(signed_in) if "format=csv" not in p]:
        html = client.get(path).content.decode()
        assert "<script" in html, path
        assert not INLINE_SCRIPT.search(html), path
        assert not INLINE_STYLE.search(html), path
        assert not EVENT_HANDLER.search(html), path


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_no_template_has_inline_script_or_style(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text)
    assert not INLINE_STYLE.search(text)
    assert not EVENT_HANDLER.search(text)
