"""TaggedArticle.listed_at: the article's publication time while it is published,
kept by two triggers (see the field's comment in articles/models.py)."""

from django.db import migrations, models

LISTED_AT = """
CREATE FUNCTION articles_tagged_listed_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- A row tagging an article takes the article's state.
    SELECT CASE WHEN a.status = 'published' THEN a.published_at END
      INTO NEW.listed_at
      FROM articles_article a WHERE a.id = NEW.content_object_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER articles_tagged_listed_at
    BEFORE INSERT OR UPDATE OF content_object_id, listed_at ON articles_taggedarticle
    FOR EACH ROW EXECUTE FUNCTION articles_tagged_listed_at();

CREATE FUNCTION articles_article_listed_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Publishing, unpublishing or rescheduling an article moves its tag rows.
    UPDATE articles_taggedarticle
       SET listed_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END
     WHERE content_object_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_article_listed_at
    AFTER UPDATE OF status, published_at ON articles_article
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION articles_article_listed_at();

UPDATE articles_taggedarticle t
   SET listed_at = CASE WHEN a.status = 'published' THEN a.published_at END
  FROM articles_article a WHERE a.id = t.content_object_id;
"""

DROP_LISTED_AT = """
DROP TRIGGER articles_article_listed_at ON articles_article;
DROP FUNCTION articles_article_listed_at();
DROP TRIGGER articles_tagged_listed_at ON articles_taggedarticle;
DROP FUNCTION articles_tagged_listed_at();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_move_slug_redirects"),
    ]

    operations = [
        migrations.AddField(
            model_name="taggedarticle",
            name="listed_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunSQL(LISTED_AT, DROP_LISTED_AT),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(
                condition=models.Q(("listed_at__isnull", False)),
                fields=["tag", "-listed_at", "-content_object"],
                name="articles_tagged_listing",
            ),
        ),
    ]
