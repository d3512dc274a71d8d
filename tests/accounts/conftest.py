import pytest
from django.contrib.auth.models import Group, Permission

from accounts import roles
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _reset_lockouts():
    """Start every test with no failed sign-ins recorded."""
    from axes.utils import reset

    reset()
    yield
    reset()


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", email="reader@example.org")


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def role(name: str, *codenames: str) -> Group:
    """The group `name` (a role's with all its rights), with at least `codenames`."""
    if name in roles.ROLES:
        group = roles.role_group(name)
    else:
        group, _ = Group.objects.get_or_create(name=name)
    if codenames:
        group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    return group
