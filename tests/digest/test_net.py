"""digest.net.client_ip: one answer for every part that asks who the client is."""

import pytest
from django.test import RequestFactory

from digest.net import client_ip


def request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    "remote",
    ["", "not-an-ip", "10.0.0.1\x00", "\x00", "999.1.1.1", "10.0.0.1; rm", "a" * 300],
)
def test_an_invalid_address_is_none(remote, settings):
    settings.NUM_PROXIES = 0
    assert client_ip(request(remote)) is None


def test_a_valid_address_is_given_in_one_spelling(settings):
    settings.NUM_PROXIES = 0
    assert client_ip(request("203.0.113.7")) == "203.0.113.7"
    assert client_ip(request("::ffff:203.0.113.7")) == "203.0.113.7"
    assert client_ip(request("2001:DB8::0:1")) == "2001:db8::1"


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.NUM_PROXIES = 0
    assert client_ip(request("10.0.0.1", "203.0.113.7")) == "10.0.0.1"


def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote(
    settings,
):
    settings.NUM_PROXIES = 1
    # The client wrote "1.1.1.1" itself; the proxy appended the address it saw.
    assert client_ip(request("10.0.0.1", "1.1.1.1, 203.0.113.7")) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", ["garbage", "203.0.113.7\x00", "1.1.1.1, x"])
def test_behind_a_proxy_an_invalid_forwarded_address_is_none(forwarded, settings):
    settings.NUM_PROXIES = 1
    assert client_ip(request("10.0.0.1", forwarded)) is None
