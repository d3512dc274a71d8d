"""accounts.roles is the one definition of the roles; the migrations agree with it."""

import importlib
import pkgutil

import pytest
from django.contrib.auth.models import Group

import accounts.migrations
from accounts import roles

pytestmark = pytest.mark.django_db


def newest_roles_migration():
    names = sorted(
        module.name
        for module in pkgutil.iter_modules(accounts.migrations.__path__)
        if hasattr(
            importlib.import_module(f"accounts.migrations.{module.name}"), "ROLES"
        )
    )
    return importlib.import_module(f"accounts.migrations.{names[-1]}")


def test_the_newest_roles_migration_matches_the_roles_module():
    assert newest_roles_migration().ROLES == roles.ROLES


@pytest.mark.parametrize("name", roles.ROLE_NAMES)
def test_after_migrating_each_group_has_exactly_its_roles_permissions(name):
    group = Group.objects.get(name=name)

    held = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert held == roles.permissions_of(name)
