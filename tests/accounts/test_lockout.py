"""Lock-out after failed sign-ins: per account and address, the same on both pages."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory, role_group

pytestmark = pytest.mark.django_db

PAGES = ["/accounts/login/", "/admin/login/"]
HOME = "10.0.0.1"
ATTACKER = "203.0.113.66"


@pytest.fixture(params=PAGES)
def page(request):
    return request.param


def sign_in(client, page, username, password=PASSWORD, address=HOME):
    return client.post(
        page, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(response) -> bool:
    return response.status_code == 302


@pytest.fixture
def boss(db):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


def test_five_failures_lock_that_account_from_that_address(client, page, boss):
    for _ in range(4):
        assert sign_in(client, page, "boss", "wrong").status_code == 200
    assert sign_in(client, page, "boss", "wrong").status_code == 429

    locked = sign_in(client, page, "boss")  # even the right password

    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_attacker_elsewhere_cannot_lock_the_superuser_out(client, page, boss):
    for _ in range(20):
        sign_in(client, page, "boss", "wrong", address=ATTACKER)
    assert sign_in(client, page, "boss", address=ATTACKER).status_code == 429

    assert signed_in(sign_in(Client(), page, "boss", address=HOME))


def test_failures_for_other_accounts_from_one_office_do_not_lock_it(
    client, page, settings, boss
):
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    for n in range(19):
        sign_in(client, page, f"someone{n}", "wrong")

    assert signed_in(sign_in(client, page, "boss"))


def test_many_failures_from_one_address_lock_that_address(client, page, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    UserFactory(username="bystander", is_staff=True)
    for n in range(20):
        sign_in(client, page, f"someone{n}@example.org", "wrong")

    assert sign_in(client, page, "bystander").status_code == 429
    assert signed_in(sign_in(Client(), page, "bystander", address="10.0.0.2"))


def test_the_lock_lasts_fifteen_minutes_from_the_fifth_failure_whatever_follows(
    client, page, boss, time_machine
):
    time_machine.move_to(timezone.now())
    for _ in range(5):
        sign_in(client, page, "boss", "wrong")
    time_machine.shift(timedelta(minutes=10))
    for _ in range(5):  # further failures while locked do not restart the clock
        assert sign_in(client, page, "boss", "wrong").status_code == 429

    time_machine.shift(timedelta(minutes=4))
    assert sign_in(client, page, "boss").status_code == 429
    time_machine.shift(timedelta(minutes=1, seconds=1))
    assert signed_in(sign_in(client, page, "boss"))


def test_a_locked_out_person_is_told_for_how_long(client, page, boss, time_machine):
    time_machine.move_to(timezone.now())
    for _ in range(5):
        sign_in(client, page, "boss", "wrong")

    first = sign_in(client, page, "boss").content.decode()
    time_machine.shift(timedelta(minutes=14))
    later = sign_in(client, page, "boss").content.decode()

    assert "Please try again in 15 minutes." in first
    assert "Please try again in 1 minute." in later


def test_the_address_lock_says_when_it_lifts(client, settings, time_machine):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    time_machine.move_to(timezone.now())
    for n in range(3):
        sign_in(client, PAGES[0], f"early{n}", "wrong")
    time_machine.shift(timedelta(minutes=5))
    for n in range(3):
        sign_in(client, PAGES[0], f"late{n}", "wrong")

    html = sign_in(client, PAGES[0], "anyone").content.decode()

    # Once the three early failures are 15 minutes old, the address is under 6.
    assert "Please try again in 10 minutes." in html


@pytest.mark.parametrize(
    "name", ["boss", "BOSS", "boss@example.org", "Boss@Example.ORG"]
)
def test_failures_count_the_account_under_username_and_email(client, boss, name):
    boss.email = "boss@example.org"
    boss.save()
    for given in ["boss", "BOSS@example.org", "Boss", "boss@example.org"]:
        sign_in(client, PAGES[0], given, "wrong")
    sign_in(client, PAGES[1], name, "wrong")

    assert sign_in(client, PAGES[0], "boss@example.org").status_code == 429


def test_a_success_resets_the_count(client, page, boss):
    for _ in range(4):
        sign_in(client, page, "boss", "wrong")
    assert signed_in(sign_in(client, page, "boss"))
    client.logout()

    for _ in range(4):
        sign_in(client, page, "boss", "wrong")

    assert signed_in(sign_in(client, page, "boss"))


def test_an_operator_lifts_a_lock_out_in_the_admin(client):
    reader = UserFactory(username="locked")
    for _ in range(5):
        sign_in(client, PAGES[0], "locked", "wrong")
    assert sign_in(client, PAGES[0], "locked").status_code == 429
    operator = UserFactory(username="op", is_staff=True)
    operator.groups.add(role_group("Site operator"))
    desk = Client()
    desk.force_login(operator)
    attempt = AccessAttempt.objects.get(username="locked")

    listing = desk.get("/admin/axes/accessattempt/")
    lifted = desk.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert listing.status_code == 200 and "locked" in listing.content.decode()
    assert lifted.status_code == 302
    assert signed_in(sign_in(client, PAGES[0], reader.username))


@pytest.mark.parametrize(
    "username", ["a" * 256, "b" * 5000, "boss\x00", "\x00" * 300, "é" * 300]
)
def test_hostile_usernames_are_a_form_error_not_a_crash(client, page, boss, username):
    response = sign_in(client, page, username, "wrong")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_operator_cannot_lift_the_lock_on_an_editors_account(client):
    editor = UserFactory(username="ed", is_staff=True)
    editor.groups.add(role_group("Editor"))
    for _ in range(5):
        sign_in(client, PAGES[1], "ed", "wrong")
    operator = UserFactory(username="op", is_staff=True)
    operator.groups.add(role_group("Site operator"))
    desk = Client()
    desk.force_login(operator)
    attempt = AccessAttempt.objects.get(username="ed")

    desk.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert sign_in(client, PAGES[1], "ed").status_code == 429
