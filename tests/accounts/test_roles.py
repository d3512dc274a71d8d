"""accounts.roles is the one definition of the roles; the migrations agree with it."""

import importlib
import pkgutil

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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
def test_the_migration_gives_each_group_exactly_its_roles_permissions(name):
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(Permission.objects.get(codename="delete_user"))  # stray

    migration = newest_roles_migration()
    # The models as that migration sees them (the real registry must not be
    # handed to a migration: it marks app configs while it runs).
    loader = MigrationExecutor(connection).loader
    state = loader.project_state(("accounts", migration.__name__.rsplit(".", 1)[1]))
    migration.set_roles(state.apps, None)

    held = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert held == roles.permissions_of(name)


@pytest.mark.parametrize("name", roles.ROLE_NAMES)
def test_every_right_a_role_gives_is_one_a_new_database_has(name):
    """A right on a removed model lives on only as a stale row of an old database:
    a role naming one can never be held in full on a new site (or after a flush)."""
    for app_label, model, actions in roles.ROLES[name]:
        options = apps.get_model(app_label, model)._meta  # LookupError: no such model
        codenames = {f"{action}_{model}" for action in options.default_permissions}
        codenames |= {codename for codename, _ in options.permissions}
        for action in actions:
            assert f"{action}_{model}" in codenames, (name, app_label, model, action)
