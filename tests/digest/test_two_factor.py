"""Two-factor sign-in for staff: TOTP from an authenticator app, one-time recovery codes."""

import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.digest.servers import manage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    return settings


@pytest.fixture
def editor():
    return UserFactory(username="editor", is_staff=True, is_superuser=True)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(client, username="editor", password=PASSWORD, token=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {
            "username": username,
            "password": password,
            "otp_token": token,
            "next": "/admin/",
        },
    )


def test_without_the_requirement_staff_sign_in_with_a_password(client, editor):
    assert sign_in(client).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_without_a_device_are_refused_and_sent_to_enrol(client, editor, required):
    response = sign_in(client)
    assert response.status_code == 302
    refused = client.get("/admin/")
    assert refused.status_code == 302
    assert refused["Location"].startswith("/admin/login/")
    assert client.get("/admin/articles/article/").status_code == 302
    login_page = client.get(refused["Location"])
    assert login_page.status_code == 302
    assert login_page["Location"] == "/admin/two-factor/"


def test_enrolment_confirms_a_code_and_hands_out_recovery_codes(
    client, editor, required
):
    sign_in(client)
    page = client.get("/admin/two-factor/")
    assert page.status_code == 200
    secret = re.search(
        r'<code id="otp-secret">([A-Z2-7]+)</code>', page.content.decode()
    )
    assert secret
    device = TOTPDevice.objects.get(user=editor, confirmed=False)

    wrong = client.post("/admin/two-factor/", {"otp_token": "000000"})
    assert "not valid" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    time.sleep(1.1)  # a failed code throttles the device for a second

    done = client.post("/admin/two-factor/", {"otp_token": code_for(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 200


def test_enrolled_staff_need_the_code_to_sign_in(client, editor, required):
    device = enrolled(editor)
    no_code = sign_in(client)
    assert no_code.status_code == 200
    assert "Enter the code from your authenticator app." in no_code.content.decode()
    assert client.get("/admin/").status_code == 302

    wrong = sign_in(
        client, token="123456" if code_for(device) != "123456" else "654321"
    )
    assert "That code is not valid" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    time.sleep(1.1)  # a failed code throttles the device for a second

    assert sign_in(client, token=code_for(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_enrolled_staff_need_the_code_even_when_not_required(client, editor):
    enrolled(editor)
    assert sign_in(client).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_signs_in_once(client, editor, required):
    enrolled(editor)
    from digest.admin_site import confirm_device

    codes = confirm_device(device=TOTPDevice.objects.create(user=editor, name="new"))
    assert sign_in(client, token=codes[0]).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    time.sleep(1.1)  # the static device throttles after a failure; none here
    reused = sign_in(client, token=codes[0])
    assert reused.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_password_sign_in_on_the_public_site_does_not_open_the_admin(
    client, editor, required
):
    enrolled(editor)
    client.force_login(editor)
    assert client.get("/admin/").status_code == 302


def test_readers_cannot_enrol(client, required):
    reader = UserFactory(username="reader")
    client.force_login(reader)
    response = client.get("/admin/two-factor/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=reader).exists()


def test_the_requirement_comes_from_the_environment():
    shown = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.OTP_REQUIRED_FOR_STAFF)",
        env={"OTP_REQUIRED_FOR_STAFF": "true"},
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "True"
