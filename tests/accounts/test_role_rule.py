"""No role reaches rights it does not hold: acting role x target role x action.

The rule (accounts/roles.py): a role is given or taken only by someone who
holds its rights; an account with rights the actor lacks cannot be changed by
them at all. Every cell goes through the real admin.
"""

import pytest

from accounts import roles
from accounts.models import User
from tests.client import Client
from tests.factories import UserFactory, role_group

pytestmark = pytest.mark.django_db

# name -> roles; "superuser" is the flag, not a role.
KINDS = {
    "reader": [],
    "author": [roles.AUTHOR],
    "editor": [roles.EDITOR],
    "operator": [roles.OPERATOR],
    "operator+editor": [roles.OPERATOR, roles.EDITOR],
    "superuser": [],
}
ACTORS = ["editor", "operator", "operator+editor", "superuser"]
TARGETS = list(KINDS)

# actor -> the targets whose rights it holds (and so may create, change, reset...)
HOLDS = {
    "editor": set(),  # no access to users at all
    "operator": {"reader", "operator"},
    "operator+editor": {"reader", "author", "editor", "operator", "operator+editor"},
    "superuser": set(TARGETS),
}


def make(kind: str, **fields) -> User:
    user = UserFactory(
        is_staff=kind != "reader", is_superuser=kind == "superuser", **fields
    )
    user.groups.add(*(role_group(name) for name in KINDS[kind]))
    return user


def client_as(kind: str) -> tuple[Client, User]:
    actor = make(kind, username=f"actor-{kind}")
    client = Client()
    client.force_login(actor)
    return client, actor


def change_data(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "bio": user.bio,
        "is_active": "on" if user.is_active else "",
        "roles": roles.roles_of(user),
        "is_superuser": "on" if user.is_superuser else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v not in ("", None, [])}


def allowed(actor: str, target: str) -> bool:
    return target in HOLDS[actor]


def state(user: User) -> tuple:
    user.refresh_from_db()
    return (
        sorted(roles.roles_of(user)),
        user.is_superuser,
        user.is_staff,
        user.email,
        user.password,
        user.is_active,
    )


@pytest.mark.parametrize("target", [t for t in TARGETS if t != "superuser"])
@pytest.mark.parametrize("actor", ACTORS)
def test_create_an_account_with_a_role(
    actor, target, mailoutbox, django_capture_on_commit_callbacks
):
    client, _ = client_as(actor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/accounts/user/add/",
            {
                "username": "newcomer",
                "email": "newcomer@example.org",
                "display_name": "Newcomer",
                "roles": KINDS[target],
            },
        )

    made = User.objects.filter(username="newcomer").first()
    if allowed(actor, target):
        assert made is not None
        assert sorted(roles.roles_of(made)) == sorted(KINDS[target])
        assert made.is_staff is bool(KINDS[target])
        assert not made.has_usable_password()
        assert [m.to for m in mailoutbox] == [["newcomer@example.org"]]
    else:
        assert made is None
        assert mailoutbox == []


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_give_a_reader_a_role(actor, target):
    client, _ = client_as(actor)
    reader = make("reader")
    before = state(reader)

    if target == "superuser":
        data = change_data(reader, is_superuser="on")
    else:
        data = change_data(reader, roles=KINDS[target])
    client.post(f"/admin/accounts/user/{reader.pk}/change/", data)

    after = state(reader)
    if target == "reader":
        assert after == before
    elif allowed(actor, target) and actor != "editor":
        assert after[0] == sorted(KINDS[target])
        assert after[1] is (target == "superuser")
        assert after[2] is True  # staff status follows the role
    else:
        assert after == before


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_take_a_role_away(actor, target):
    client, _ = client_as(actor)
    user = make(target)
    before = state(user)

    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_data(user, roles=[], is_superuser=""),
    )

    after = state(user)
    if allowed(actor, target) and target != "reader":
        assert response.status_code == 302
        assert after[0] == [] and after[1] is False
        assert after[2] is False  # no role, no admin
    else:
        assert after == before


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_set_a_password(actor, target):
    client, _ = client_as(actor)
    user = make(target)

    response = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {
            "password1": "taken over now 123",
            "password2": "taken over now 123",
            "usable_password": "true",
        },
    )

    user.refresh_from_db()
    assert user.check_password("taken over now 123") is allowed(actor, target)
    if not allowed(actor, target):
        assert response.status_code == 403


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_change_the_email_address(actor, target):
    client, _ = client_as(actor)
    user = make(target)

    client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_data(user, email="attacker@example.org"),
    )

    user.refresh_from_db()
    assert (user.email == "attacker@example.org") is allowed(actor, target)


def run_action(client, action, users):
    return client.post(
        "/admin/accounts/user/",
        {"action": action, "_selected_action": [u.pk for u in users]},
    )


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_send_a_password_reset(actor, target, mailoutbox):
    client, _ = client_as(actor)
    user = make(target, email="target@example.org")

    run_action(client, "send_password_reset", [user])

    sent = [m for m in mailoutbox if m.to == ["target@example.org"]]
    assert bool(sent) is allowed(actor, target)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_deactivate(actor, target):
    client, _ = client_as(actor)
    user = make(target)

    run_action(client, "deactivate", [user])

    user.refresh_from_db()
    assert user.is_active is not allowed(actor, target)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ["operator", "operator+editor", "superuser"])
def test_buttons_are_shown_only_where_they_work(actor, target):
    client, _ = client_as(actor)
    user = make(target)

    html = client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()

    may = allowed(actor, target)
    assert ('href="../password/"' in html) is may
    assert ('name="_save"' in html) is may
    # Deleting accounts is for superusers alone (operators hold no delete_user).
    deletes = may and actor == "superuser"
    assert (f"/admin/accounts/user/{user.pk}/delete/" in html) is deletes


@pytest.mark.parametrize("actor", ["operator", "operator+editor", "superuser"])
def test_nobody_changes_their_own_role(actor):
    client, me = client_as(actor)
    before = state(me)

    client.post(
        f"/admin/accounts/user/{me.pk}/change/",
        change_data(me, roles=list(roles.ROLE_NAMES), is_superuser=""),
    )

    assert state(me)[:3] == before[:3]


def test_a_deactivated_editor_stays_out_of_an_operators_reach():
    client, _ = client_as("operator")
    editor = make("editor", is_active=False)

    run_action(client, "activate", [editor])
    client.post(
        f"/admin/accounts/user/{editor.pk}/password/",
        {"password1": "taken over now 123", "password2": "taken over now 123"},
    )

    editor.refresh_from_db()
    assert editor.is_active is False
    assert not editor.check_password("taken over now 123")


def test_only_grantable_roles_are_offered():
    client, _ = client_as("operator")
    reader = make("reader")

    html = client.get(f"/admin/accounts/user/{reader.pk}/change/").content.decode()

    assert 'value="Site operator"' in html
    assert 'value="Editor"' not in html and 'value="Author"' not in html
