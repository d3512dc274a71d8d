"""The staff roles: what each may do, and the rule for who may give them.

A role is a group of permissions (ROLES). The rule, checked on every write in
the user admin: nobody hands out rights they do not hold themselves. A role is
granted or removed only by someone who holds all of its rights (a superuser,
or e.g. an operator who is also an Editor for Editor), nobody changes their own
role, and an account with rights the acting user lacks cannot be changed by
them at all (no password, email, reset or deactivation).

The migrations keep their own frozen copy of ROLES (a migration must not
change when this module does); tests/accounts/test_roles.py checks that the
newest copy matches this one.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

AUTHOR = "Author"
EDITOR = "Editor"
OPERATOR = "Site operator"

# role -> [(app label, model, [actions])]; an action is a permission codename's
# prefix ("add" + "article" -> "add_article").
ROLES: dict[str, list[tuple[str, str, list[str]]]] = {
    AUTHOR: [
        ("articles", "article", ["add", "change", "view"]),
        ("articles", "category", ["view"]),
        ("taggit", "tag", ["add", "view"]),
    ],
    EDITOR: [
        ("articles", "article", ["add", "change", "delete", "view"]),
        ("articles", "article", ["publish", "edit_any"]),
        ("articles", "category", ["add", "change", "delete", "view"]),
        ("articles", "historicalarticle", ["view"]),
        ("taggit", "tag", ["add", "change", "delete", "view"]),
        ("digest", "page", ["add", "change", "delete", "view"]),
        ("digest", "usefullink", ["add", "change", "delete", "view"]),
        ("digest", "sitesettings", ["change", "view"]),
        ("digest", "redirect", ["add", "change", "delete", "view"]),
        ("digest", "auditentry", ["view"]),
    ],
    OPERATOR: [
        ("accounts", "user", ["add", "change", "view"]),
        ("auth", "group", ["view"]),
        # Lifting a sign-in lock-out is deleting its failed attempts.
        ("axes", "accessattempt", ["view", "delete"]),
        ("digest", "auditentry", ["view"]),
        # Background work: see tasks, workers and the schedule; retry failed tasks.
        ("background", "backgroundtask", ["view", "retry"]),
        ("background", "worker", ["view"]),
        ("background", "periodicjob", ["view"]),
    ],
}
ROLE_NAMES: tuple[str, ...] = tuple(ROLES)


def permissions_of(name: str) -> set[str]:
    """The permissions of role `name`, as "app_label.codename" strings."""
    return {
        f"{app_label}.{action}_{model}"
        for app_label, model, actions in ROLES[name]
        for action in actions
    }


def _permission_filter(name: str) -> Q:
    query = Q(pk__in=[])
    for app_label, model, actions in ROLES[name]:
        query |= Q(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return query


def role_group(name: str) -> Group:
    """The group of role `name` with its permissions, made if it is missing."""
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(*Permission.objects.filter(_permission_filter(name)))
    return group


def rights_of(user) -> set[str] | None:
    """Every permission `user` has through groups or directly; None for a superuser.

    Read from the tables rather than user.get_all_permissions(), which is empty
    for an inactive account: deactivating an Editor must not make them
    manageable by someone who is not one.
    """
    if user.is_superuser:
        return None
    rows = Permission.objects.filter(Q(group__user=user) | Q(user=user)).values_list(
        "content_type__app_label", "codename"
    )
    return {f"{app_label}.{codename}" for app_label, codename in rows}


def holds(actor, rights: set[str] | None) -> bool:
    """Whether `actor` holds all of `rights` (None: a superuser's)."""
    if actor.is_superuser:
        return True
    if rights is None or not actor.is_active:
        return False
    return rights <= actor.get_all_permissions()


def may_grant(actor, name: str) -> bool:
    """Whether `actor` may give role `name` to someone else, or take it away."""
    return holds(actor, permissions_of(name))


def may_manage(actor, target) -> bool:
    """Whether `actor` may change `target`'s account: every right it has, they hold."""
    if target.pk is None or target.pk == actor.pk:
        return True
    return holds(actor, rights_of(target))


def roles_of(user) -> list[str]:
    """The role names `user` has, in ROLES order."""
    names = {group.name for group in user.groups.all()}
    return [name for name in ROLE_NAMES if name in names]


def refusal(*, by, user, names: list[str]) -> str | None:
    """Why `by` may not give `user` exactly the roles `names`; None if they may."""
    current = set(roles_of(user)) if user.pk else set()
    changed = current ^ set(names)
    if not changed:
        return None
    if user.pk is not None and user.pk == by.pk:
        return "Nobody changes their own role."
    if not may_manage(by, user):
        return "This account has rights you do not hold."
    for name in ROLE_NAMES:
        if name in changed and not may_grant(by, name):
            return f"Only someone who holds the {name} role's rights may give or remove it."
    return None


@transaction.atomic
def set_roles(*, user, names: list[str], by) -> None:
    """Give `user` exactly the roles `names` (staff status follows), as `by` asks."""
    reason = refusal(by=by, user=user, names=names)
    if reason:
        raise PermissionDenied(reason)
    user.groups.remove(
        *Group.objects.filter(name__in=ROLE_NAMES).exclude(name__in=names)
    )
    user.groups.add(*(role_group(name) for name in names))
    staff = bool(names) or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        type(user).objects.filter(pk=user.pk).update(is_staff=staff)
