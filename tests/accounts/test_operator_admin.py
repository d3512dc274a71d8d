"""The user admin as a permission matrix over the site's roles."""

import pytest

from accounts.models import User
from tests.accounts.conftest import role
from tests.client import Client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "author", "editor", "operator", "superuser"]
USER_PERMS = ("view_user", "add_user", "change_user", "delete_user")


def make_role_groups():
    return {
        "author": role("Author", "view_article", "add_article", "change_article"),
        "editor": role(
            "Editor",
            "view_article",
            "add_article",
            "change_article",
            "delete_article",
            "publish_article",
            "edit_any_article",
        ),
        "operator": role("Site operator", *USER_PERMS),
    }


def client_as(name: str) -> tuple[Client, User | None]:
    groups = make_role_groups()
    client = Client()
    if name == "anonymous":
        return client, None
    user = UserFactory(
        username=f"the-{name}",
        is_staff=name != "reader",
        is_superuser=name == "superuser",
    )
    if name in groups:
        user.groups.add(groups[name])
    client.force_login(user)
    return client, user


def change_data(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "bio": user.bio,
        "email_verified_at_0": "",
        "email_verified_at_1": "",
        "is_active": "on" if user.is_active else "",
        "roles": [g.name for g in user.groups.all()],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v not in ("", None)}


LIST_STATUS = {
    "anonymous": 302,
    "reader": 302,
    "author": 403,
    "editor": 403,
    "operator": 200,
    "superuser": 200,
}


@pytest.mark.parametrize("name", ROLES)
def test_only_operators_and_superusers_see_the_user_list(name):
    client, _ = client_as(name)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == LIST_STATUS[name]
    if response.status_code == 302:
        assert response.url.startswith("/admin/login/")


@pytest.mark.parametrize("name", ROLES)
def test_who_can_edit_a_reader(name):
    client, _ = client_as(name)
    target = UserFactory(username="target", display_name="Before")

    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        change_data(target, display_name="After"),
    )

    target.refresh_from_db()
    may = name in ("operator", "superuser")
    assert (target.display_name == "After") is may
    assert response.status_code == (
        302 if may or name in ("anonymous", "reader") else 403
    )


@pytest.mark.parametrize("name", ["operator", "superuser"])
def test_only_superusers_see_superuser_and_permission_fields(name):
    client, _ = client_as(name)
    target = UserFactory()

    html = client.get(f"/admin/accounts/user/{target.pk}/change/").content.decode()

    assert ('name="is_superuser"' in html) is (name == "superuser")
    assert ('name="user_permissions"' in html) is (name == "superuser")
    assert 'name="roles"' in html
    assert 'name="groups"' not in html and 'name="is_staff"' not in html


def test_operator_cannot_make_anyone_a_superuser():
    client, _ = client_as("operator")
    target = UserFactory()

    client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        change_data(target, is_superuser="on"),
    )

    target.refresh_from_db()
    assert target.is_superuser is False


@pytest.mark.parametrize("name", ["operator", "superuser"])
def test_only_superusers_may_edit_or_delete_a_superuser(name):
    client, _ = client_as(name)
    boss = UserFactory(
        username="boss", display_name="Boss", is_staff=True, is_superuser=True
    )

    edit = client.post(
        f"/admin/accounts/user/{boss.pk}/change/",
        change_data(boss, display_name="Pwned"),
    )
    delete = client.post(f"/admin/accounts/user/{boss.pk}/delete/", {"post": "yes"})

    boss_exists = User.objects.filter(pk=boss.pk).exists()
    if name == "operator":
        assert edit.status_code == 403
        assert delete.status_code == 403
        boss.refresh_from_db()
        assert boss.display_name == "Boss"
        assert boss_exists
    else:
        assert edit.status_code == 302
        assert not boss_exists


def test_operator_gives_a_role_in_one_step():
    client, _ = client_as("operator")
    target = UserFactory()

    client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        change_data(target, roles=["Site operator"]),
    )

    target.refresh_from_db()
    assert list(target.groups.values_list("name", flat=True)) == ["Site operator"]
    assert target.is_staff


def test_operator_cannot_grant_themselves_another_role():
    client, operator = client_as("operator")
    editor = make_role_groups()["editor"]
    operator_group = operator.groups.get()

    client.post(
        f"/admin/accounts/user/{operator.pk}/change/",
        change_data(operator, groups=[operator_group.pk, editor.pk]),
    )

    operator.refresh_from_db()
    assert list(operator.groups.values_list("name", flat=True)) == ["Site operator"]
    assert not operator.is_superuser


def test_operator_can_only_pick_role_groups():
    client, _ = client_as("operator")
    role("Secret admins", "delete_user")
    target = UserFactory()

    html = client.get(f"/admin/accounts/user/{target.pk}/change/").content.decode()

    assert 'value="Site operator"' in html
    assert "Secret admins" not in html


def test_search_finds_users_by_display_name_and_email():
    client, _ = client_as("operator")
    UserFactory(username="zed", display_name="Marina Quay", email="zed@example.org")
    UserFactory(username="amy", display_name="Amy", email="amy.harbour@example.org")

    by_name = client.get("/admin/accounts/user/?q=marina").content.decode()
    by_email = client.get("/admin/accounts/user/?q=harbour").content.decode()

    assert "zed@example.org" in by_name and "amy.harbour@example.org" not in by_name
    assert "amy.harbour@example.org" in by_email and "zed@example.org" not in by_email


def test_list_can_be_filtered_by_role():
    client, _ = client_as("operator")
    author_group = make_role_groups()["author"]
    writer = UserFactory(email="writer@example.org")
    writer.groups.add(author_group)
    UserFactory(email="plain@example.org")

    html = client.get(
        f"/admin/accounts/user/?groups__id__exact={author_group.pk}"
    ).content.decode()

    assert "writer@example.org" in html and "plain@example.org" not in html
    assert '<td class="field-roles">Author</td>' in html
    assert "Date joined" in html and "Last login" in html


def run_action(client, action, users):
    return client.post(
        "/admin/accounts/user/",
        {"action": action, "_selected_action": [u.pk for u in users]},
        follow=True,
    )


def test_operator_deactivates_and_activates_readers_but_not_superusers():
    client, _ = client_as("operator")
    reader = UserFactory()
    boss = UserFactory(is_superuser=True, is_staff=True)

    response = run_action(client, "deactivate", [reader, boss])

    assert "1 user deactivated." in response.content.decode()
    reader.refresh_from_db()
    boss.refresh_from_db()
    assert reader.is_active is False and boss.is_active is True

    run_action(client, "activate", [reader])
    reader.refresh_from_db()
    assert reader.is_active is True


def test_operator_sends_password_reset_emails(mailoutbox):
    client, _ = client_as("operator")
    reader = UserFactory(email="forgetful@example.org")

    response = run_action(client, "send_password_reset", [reader])

    assert "Password-reset email sent to 1 user." in response.content.decode()
    assert mailoutbox[0].to == ["forgetful@example.org"]
    assert "/accounts/password-reset/" in mailoutbox[0].body


def test_operator_bulk_delete_cannot_take_a_superuser_along():
    client, _ = client_as("operator")
    reader = UserFactory()
    boss = UserFactory(is_superuser=True, is_staff=True)

    client.post(
        "/admin/accounts/user/",
        {
            "action": "delete_selected",
            "_selected_action": [reader.pk, boss.pk],
            "post": "yes",
        },
    )

    assert User.objects.filter(pk=boss.pk).exists()
    assert User.objects.filter(pk=reader.pk).exists()


def test_operator_cannot_change_a_superusers_password():
    client, _ = client_as("operator")
    boss = UserFactory(is_superuser=True, is_staff=True)

    response = client.post(
        f"/admin/accounts/user/{boss.pk}/password/",
        {"password1": "taken over now 123", "password2": "taken over now 123"},
    )

    assert response.status_code == 403
    boss.refresh_from_db()
    assert not boss.check_password("taken over now 123")
