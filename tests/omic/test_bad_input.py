"""Bad input is never a 500: a control character in an address or a form gets a plain 400
page (psycopg2 refuses NUL outright, so without the check these reach the database)."""

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from omic.middleware import bad_input_in
from tests import factories
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

CONTROL = [chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]]
TEXT_WHITESPACE = ["\t", "\n", "\r"]


@pytest.fixture
def estate(db, make_user):
    prison = factories.PrisonFactory(code="LEI")
    wing = factories.WingFactory(prison=prison, code="A")
    spell = factories.CustodySpellFactory(prison=prison, wing=wing, prisoner__prison_number="A1111AA")
    factories.StaffMemberFactory(staff_id="LEI001", prison=prison)
    return {"admin": make_user("admin", prisons=[prison]), "spell": spell}


ADDRESSES = [
    "/prisons/LEI%00/",
    "/prisons/LEI/wings/A%00/",
    "/prisoners/A1111AA%00/",
    "/prisoners/A1111AA%00/sessions/new/",
    "/prisons/LEI/staff/?sort=%00",
    "/prisons/LEI/staff/?page=1%00",
    "/prisons/LEI/compliance.csv?from=2025-01-06%00",
    "/hq/?format=csv%00",
    "/?x%00y=1",  # in a name, not a value
    "/login/?next=/%00",
    "/prisons/%1B[31mLEI/",
    "/prisons/LEI%7F/",
    "/prisons/LEI/?q=%C2%85",  # U+0085, a C1 control
]


def assert_bad_input_page(response, where: str):
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem with what was sent" in html
    assert f"The {where} has a character in it that this service does not accept" in html
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_control_character_in_an_address_is_a_400_signed_in(client, estate, address):
    client.force_login(estate["admin"])
    assert_bad_input_page(client.get(address), "web address")


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_control_character_in_an_address_is_a_400_signed_out(client, db, address):
    assert_bad_input_page(client.get(address), "web address")


@pytest.mark.parametrize("character", CONTROL, ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_character_in_a_query_value_is_a_400(client, db, character):
    assert client.get("/login/", {"next": f"/{character}"}).status_code == 400


def test_nul_in_the_sign_in_form_is_a_400(client, db):
    response = client.post("/login/", {"username": "j\x00bloggs", "password": "x"})
    assert_bad_input_page(response, "form")


def test_nul_in_a_session_note_is_a_400_and_saves_nothing(client, estate):
    from keywork.models import Session

    client.force_login(estate["admin"])
    data = {
        "key_worker": "LEI001",
        "date_0": "1",
        "date_1": "1",
        "date_2": "2025",
        "minutes": "45",
        "kind": "structured_interview",
        "notes": "Talked\x00about work",
    }
    assert_bad_input_page(client.post("/prisoners/A1111AA/sessions/new/", data), "form")
    assert not Session.objects.exists()


def test_nul_in_a_password_change_is_a_400(client, estate):
    client.force_login(estate["admin"])
    data = {"old_password": TEST_PASSWORD, "new_password1": "a\x00b", "new_password2": "a\x00b"}
    assert_bad_input_page(client.post("/password/", data), "form")


@pytest.mark.parametrize("whitespace", TEXT_WHITESPACE, ids=repr)
def test_tab_and_line_breaks_in_a_form_are_text_not_refused(client, db, whitespace):
    response = client.post("/login/", {"username": f"j{whitespace}bloggs", "password": "x"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_a_form_value_with_a_control_character_in_a_get_is_refused_too(client, db):
    assert client.get("/login/", {"next": "/\n"}).status_code == 400  # in an address LF is no text


@given(
    text=st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    control=st.sampled_from(CONTROL),
    at=st.integers(min_value=0, max_value=40),
)
@hypothesis_settings(max_examples=200, deadline=None)
def test_any_text_passes_and_any_control_character_in_it_is_caught(text, control, at):
    rf = RequestFactory()
    assert bad_input_in(rf.get("/", {"q": text})) is None
    assert bad_input_in(rf.post("/", {"notes": text})) is None
    spoiled = text[:at] + control + text[at:]
    assert bad_input_in(rf.get("/", {"q": spoiled})) == "address"
    expected = None if control in TEXT_WHITESPACE else "form"
    assert bad_input_in(rf.post("/", {"notes": spoiled})) == expected


def test_a_bad_host_header_gets_the_400_page_too(client, db):
    response = client.get("/login/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "There is a problem with what was sent" in response.content.decode()
