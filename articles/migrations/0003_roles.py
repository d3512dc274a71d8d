"""The three staff roles as groups with their permissions.

Members also need is_staff to open the admin; the demo loader and operators set it.
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
        ("articles", "articleslugredirect", ["add", "change", "delete", "view"]),
        ("taggit", "tag", ["add", "change", "delete", "view"]),
        ("digest", "page", ["add", "change", "delete", "view"]),
        ("digest", "usefullink", ["add", "change", "delete", "view"]),
        ("digest", "sitesettings", ["change", "view"]),
    ],
    "Site operator": [
        ("accounts", "user", ["add", "change", "view"]),
        ("auth", "group", ["view"]),
    ],
}
CUSTOM = {"publish", "edit_any"}


def codename(action: str, model: str) -> str:
    return f"{action}_{model}"


def create_roles(apps, schema_editor):
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
        for app_label, model, actions in grants:
            codenames = [codename(action, model) for action in actions]
            perms = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            group.permissions.add(*perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_article_view_marks"),
        ("accounts", "0002_reader_lists"),
        ("digest", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
