"""Old slugs move to the site-wide redirect table (digest.Redirect)."""

from django.db import migrations


def copy_to_redirects(apps, schema_editor):
    ArticleSlugRedirect = apps.get_model("articles", "ArticleSlugRedirect")
    Redirect = apps.get_model("digest", "Redirect")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ArticleSlugRedirect.objects.exists():
        return
    article_type, _ = ContentType.objects.get_or_create(
        app_label="articles", model="article"
    )
    Redirect.objects.bulk_create(
        [
            Redirect(
                old_path=f"/articles/{row.old_slug}/",
                content_type_id=article_type.pk,
                object_id=row.article_id,
                source="slug",
            )
            for row in ArticleSlugRedirect.objects.all()
        ],
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):
    ArticleSlugRedirect = apps.get_model("articles", "ArticleSlugRedirect")
    Redirect = apps.get_model("digest", "Redirect")
    Article = apps.get_model("articles", "Article")
    ids = set(Article.objects.values_list("pk", flat=True))
    for row in Redirect.objects.filter(
        source="slug",
        old_path__startswith="/articles/",
        content_type__app_label="articles",
        content_type__model="article",
    ):
        slug = row.old_path.removeprefix("/articles/").strip("/")
        if row.object_id in ids and slug and "/" not in slug:
            ArticleSlugRedirect.objects.get_or_create(
                old_slug=slug[:200], defaults={"article_id": row.object_id}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_tag_slugs"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("digest", "0005_redirect"),
    ]

    operations = [
        migrations.RunPython(copy_to_redirects, copy_back),
        migrations.DeleteModel(name="ArticleSlugRedirect"),
    ]
