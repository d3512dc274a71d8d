"""The staff roles as of this migration: editors manage the site's redirects.

The old-slug redirects moved from articles.ArticleSlugRedirect to digest.Redirect
(articles 0008); the Editor role's rights on the removed model go with it.

A frozen copy of accounts/roles.py's ROLES (a migration must not change when the
module does); tests/accounts/test_roles.py checks that they agree. The next change
of roles is a new migration with a new copy.
"""

from django.db import migrations

ROLES = {
    "Author": [
        ("articles", "article", ["add", "change", "view"]),
        ("articles", "category", ["view"]),
        ("taggit", "tag", ["add", "view"]),
    ],
    "Editor": [
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
    "Site operator": [
        ("accounts", "user", ["add", "change", "view"]),
        ("auth", "group", ["view"]),
        ("axes", "accessattempt", ["view", "delete"]),
        ("digest", "auditentry", ["view"]),
        ("background", "backgroundtask", ["view", "retry"]),
        ("background", "worker", ["view"]),
        ("background", "periodicjob", ["view"]),
    ],
}


def set_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Permission.objects.none()
        for app_label, model, actions in grants:
            wanted |= Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        group.permissions.set(wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_roles_background"),
        ("articles", "0008_move_slug_redirects"),
        ("digest", "0005_redirect"),
    ]

    operations = [migrations.RunPython(set_roles, migrations.RunPython.noop)]
