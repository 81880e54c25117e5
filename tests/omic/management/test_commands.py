"""add_user and demo_data: the management commands for people and the demo."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from omic.models import AuditEvent, Estate, Role, User
from tests import factories

PASSWORD = "a-long-enough-secret-42"

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate():
    lei = factories.PrisonFactory(code="LEI", estate=Estate.MALE_CLOSED)
    bmi = factories.PrisonFactory(code="BMI", estate=Estate.MALE_CLOSED)
    for prison in (lei, bmi):
        for code in ("A", "B", "C"):
            factories.WingFactory(prison=prison, code=code)
    return lei, bmi


@pytest.fixture
def no_terminal(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    monkeypatch.delenv("OMIC_PASSWORD", raising=False)


@pytest.fixture
def password_env(monkeypatch):
    monkeypatch.setenv("OMIC_PASSWORD", PASSWORD)


def add_user(*args):
    out = StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


def test_add_user_creates_then_updates(estate, password_env):
    output = add_user("alice", "--role", "wing_manager", "--prisons", "LEI", "--wings", "A,B")
    assert "Created alice" in output
    user = User.objects.get(username="alice")
    assert user.role == Role.WING_MANAGER
    assert list(user.prisons.values_list("code", flat=True)) == ["LEI"]
    assert sorted(user.wings.values_list("prison_id", "code")) == [("LEI", "A"), ("LEI", "B")]
    assert user.check_password(PASSWORD)

    output = add_user("alice", "--role", "admin", "--prisons", "LEI,BMI", "--wings", "C")
    assert "Updated alice" in output
    user.refresh_from_db()
    assert User.objects.filter(username="alice").count() == 1
    assert user.role == Role.ADMIN
    assert sorted(user.prisons.values_list("code", flat=True)) == ["BMI", "LEI"]
    # a wing code means that wing in each of the given prisons
    assert sorted(user.wings.values_list("prison_id", "code")) == [("BMI", "C"), ("LEI", "C")]


def test_add_user_links_staff_member(estate, password_env):
    staff = factories.StaffMemberFactory(prison=estate[0])
    add_user("bob", "--role", "governor", "--prisons", "LEI", "--staff-id", staff.staff_id)
    assert User.objects.get(username="bob").staff_member == staff


def test_add_user_writes_audit_without_password(estate, password_env):
    add_user("alice", "--role", "governor", "--prisons", "LEI")
    event = AuditEvent.objects.get(action="user.save")
    assert event.object_type == "user"
    assert event.object_id == str(User.objects.get(username="alice").pk)
    assert event.prison_id == "LEI"
    assert event.after["role"] == "governor"
    assert event.after["prisons"] == ["LEI"]
    assert event.before is None
    stored = f"{event.before} {event.after} {event.reason}"
    assert PASSWORD not in stored
    assert "pbkdf2" not in stored and "md5$" not in stored

    add_user("alice", "--role", "hq")
    event = AuditEvent.objects.filter(action="user.save").order_by("-id").first()
    assert event.before["role"] == "governor"
    assert event.after["role"] == "hq"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "governor", "--prisons", "XYZ"], "XYZ"),
        (["--role", "emperor", "--prisons", "LEI"], "emperor"),
        (["--role", "wing_manager", "--prisons", "LEI", "--wings", "Z"], "Z"),
        (["--role", "wing_manager", "--wings", "A"], "wings"),
        (["--role", "governor", "--staff-id", "NOBODY"], "NOBODY"),
    ],
)
def test_add_user_bad_input(estate, password_env, args, message):
    with pytest.raises(CommandError, match=message):
        add_user("carol", *args)
    assert not User.objects.filter(username="carol").exists()
    assert not AuditEvent.objects.exists()


def test_add_user_weak_password(estate, monkeypatch):
    monkeypatch.setenv("OMIC_PASSWORD", "123")
    with pytest.raises(CommandError, match="password"):
        add_user("carol", "--role", "governor", "--prisons", "LEI")
    assert not User.objects.filter(username="carol").exists()


def test_add_user_without_password_or_terminal(estate, no_terminal):
    with pytest.raises(CommandError, match="OMIC_PASSWORD"):
        add_user("carol", "--role", "governor", "--prisons", "LEI")
    assert not User.objects.filter(username="carol").exists()


def test_add_user_asks_twice_on_a_terminal(estate, monkeypatch):
    monkeypatch.delenv("OMIC_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    add_user("dave", "--role", "hq")
    assert User.objects.get(username="dave").check_password(PASSWORD)

    answers = iter([PASSWORD, "something-else-entirely"])
    with pytest.raises(CommandError, match="do not match"):
        add_user("dave", "--role", "hq")


def test_demo_data_with_prisons_only_creates_users(client):
    # BBB is the first male closed prison by code; AAA (open) and CCC come either side of it.
    factories.PrisonFactory(code="AAA", estate=Estate.MALE_OPEN)
    home = factories.PrisonFactory(code="BBB", estate=Estate.MALE_CLOSED)
    factories.PrisonFactory(code="CCC", estate=Estate.MALE_CLOSED)
    for code in ("C", "A", "B"):
        factories.WingFactory(prison=home, code=code)

    for _ in range(2):  # idempotent
        out = StringIO()
        call_command("demo_data", stdout=out)
    output = out.getvalue()
    assert "already loaded" in output
    assert settings.DEMO_PASSWORD in output

    users = {user.username: user for user in User.objects.filter(username__startswith="demo-")}
    assert set(users) == {"demo-wing", "demo-governor", "demo-admin", "demo-hq"}
    assert users["demo-wing"].role == Role.WING_MANAGER
    assert list(users["demo-wing"].prisons.values_list("code", flat=True)) == ["BBB"]
    assert sorted(users["demo-wing"].wings.values_list("prison_id", "code")) == [("BBB", "A"), ("BBB", "B")]
    assert users["demo-governor"].role == Role.GOVERNOR
    assert list(users["demo-governor"].prisons.values_list("code", flat=True)) == ["BBB"]
    assert users["demo-admin"].role == Role.ADMIN
    assert sorted(users["demo-admin"].prisons.values_list("code", flat=True)) == ["AAA", "BBB"]
    assert users["demo-hq"].role == Role.HQ
    assert not users["demo-hq"].prisons.exists()
    for username, user in users.items():
        assert user.username in output
        assert user.check_password(settings.DEMO_PASSWORD)
        assert client.login(username=username, password=settings.DEMO_PASSWORD)
        client.logout()
