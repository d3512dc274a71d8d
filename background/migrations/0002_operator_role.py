"""Site operators see tasks, workers and periodic jobs, and may retry failed tasks."""

from django.db import migrations

GRANTS = [
    ("backgroundtask", ["view", "retry"]),
    ("worker", ["view"]),
    ("periodicjob", ["view"]),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make them now.
    app_config = apps.get_app_config("background")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Site operator")
    codenames = [f"{action}_{model}" for model, actions in GRANTS for action in actions]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="background", codename__in=codenames
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Site operator"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="background")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("background", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
