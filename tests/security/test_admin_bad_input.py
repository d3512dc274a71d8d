"""Bad input to every admin list, autocomplete, history URL and JSON endpoint: a 4xx, never a 500.

The admin's URLs are discovered from `admin.site._registry`, so a ModelAdmin added
later (and its list filters, autocomplete fields and history views) is covered
without touching this file.
"""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 5_000
# Raw (already percent-encoded) values for every query parameter.
BAD_VALUES = {
    "nul": "%00",
    "inner-nul": "1%00",
    "overlong": HUGE,
    "overlong-text": "x" * 100_000,
    "invalid-utf8": "%ff%fe",
    "wrong-type": "abc",
    "negative": "-1",
    "float": "1e309",
}


@pytest.fixture
def superuser_client():
    ArticleFactory(tags=["harbour"])
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def request_status(client: Client, method: str, url: str, **kwargs) -> int | str:
    """The status, or the exception a 500 would have been (for a readable failure)."""
    try:
        return getattr(client, method)(url, **kwargs).status_code
    except Exception as exc:  # the test client re-raises what would be a 500
        return f"{type(exc).__name__}: {str(exc)[:160]}"


def failures(client, method, url, **kwargs) -> list[str]:
    status = request_status(client, method, url, **kwargs)
    if isinstance(status, int) and status < 500:
        return []
    return [f"{method.upper()} {url[:140]} -> {status}"]


def changelist_parameters(model_admin) -> list[str]:
    """Every query parameter the list page reads: its filters, search, order, page."""
    request = RequestFactory().get("/")
    request.user = UserFactory.build(is_staff=True, is_superuser=True)
    changelist = model_admin.get_changelist_instance(request)
    names = {"q", "o", "p", "e", "_to_field", "_popup"}
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        names.update(f"{field}__{part}" for part in ("year", "month", "day"))
    return sorted(names)


def registered():
    return sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower
    )


def admin_url(name: str, model, *args) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args
    )


def test_every_admin_list_filter_refuses_bad_values(superuser_client):
    found = []
    checked = 0
    for model, model_admin in registered():
        try:
            url = admin_url("changelist", model)
        except NoReverseMatch:
            continue
        for name in changelist_parameters(model_admin):
            for value in BAD_VALUES.values():
                checked += 1
                found += failures(superuser_client, "get", f"{url}?{name}={value}")
    assert checked > 100, "the admin's lists were not discovered"
    assert found == [], "\n".join(found)


def autocomplete_targets():
    for model, model_admin in registered():
        for field_name in model_admin.autocomplete_fields:
            yield model, field_name


def test_every_autocomplete_refuses_bad_terms(superuser_client):
    url = reverse("admin:autocomplete")
    targets = list(autocomplete_targets())
    assert targets, "no autocomplete field found"
    found = []
    for model, field_name in targets:
        base = (
            f"{url}?app_label={model._meta.app_label}"
            f"&model_name={model._meta.model_name}&field_name={field_name}"
        )
        assert superuser_client.get(base + "&term=a").status_code == 200
        for value in BAD_VALUES.values():
            found += failures(superuser_client, "get", f"{base}&term={value}")
            found += failures(superuser_client, "get", f"{base}&term=a&page={value}")
    assert found == [], "\n".join(found)


BAD_IDS = ["abc", "%00", "1%00", HUGE, "-1", "1.5", "%ff"]


def test_every_history_and_object_url_refuses_bad_ids(superuser_client):
    found = []
    checked = 0
    for model, model_admin in registered():
        obj = model.objects.order_by("pk").first()
        for name in ("history", "change", "delete"):
            for bad in BAD_IDS:
                try:
                    url = admin_url(name, model, "PK")
                except NoReverseMatch:
                    continue
                checked += 1
                found += failures(superuser_client, "get", url.replace("PK", bad))
        if obj is None or not hasattr(model_admin, "history_form_view"):
            continue
        history = admin_url("history", model, obj.pk)
        for bad in BAD_IDS:
            checked += 1
            found += failures(superuser_client, "get", f"{history}{bad}/")
    assert checked > 50
    assert found == [], "\n".join(found)
