"""Audit entries for publishing, written by the one publishing function once committed;
required content checks refuse publishing there and on the form."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import Article
from digest.audit import Action
from digest.models import AuditEntry, ContentCheck, SiteSettings
from tests.factories import ArticleFactory, UserFactory, role_group

# Entries are written on commit: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

NO_ALT = (
    '<figure><img src="/media/a.webp" alt=""><figcaption>Cranes.</figcaption></figure>'
)


def staff(role: str, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(role_group(role))
    return user


def entries() -> list[tuple]:
    return list(
        AuditEntry.objects.order_by("pk").values_list(
            "action", "actor_name", "target_repr", "ip"
        )
    )


def require(*checks):
    row = SiteSettings.load()
    row.required_checks = list(checks)
    row.save()


def test_each_publishing_action_is_recorded_with_who_and_where():
    editor = staff("Editor", username="ed")
    article = ArticleFactory(title="Quay", draft=True)
    pk = article.pk
    ip = "198.51.100.4"

    later = timezone.now() + timedelta(days=1)
    publishing.change_state(
        article=article, by=editor, action="schedule", at=later, ip=ip
    )
    publishing.change_state(article=article, by=editor, action="publish_now", ip=ip)
    publishing.change_state(article=article, by=editor, action="unpublish", ip=ip)
    publishing.change_state(article=article, by=editor, action="delete", ip=ip)

    assert entries() == [
        (Action.SCHEDULED, "ed", "Quay", ip),
        (Action.PUBLISHED, "ed", "Quay", ip),
        (Action.UNPUBLISHED, "ed", "Quay", ip),
        (Action.DELETED, "ed", "Quay", ip),
    ]
    scheduled = AuditEntry.objects.get(action=Action.SCHEDULED)
    assert scheduled.detail == f"for {later.isoformat()}"
    assert set(AuditEntry.objects.values_list("target_id", flat=True)) == {str(pk)}


def test_taking_a_published_article_back_to_draft_is_an_unpublish():
    editor = staff("Editor", username="ed")
    article = ArticleFactory(title="Tram")

    publishing.change_state(article=article, by=editor, action="save_draft")

    assert entries() == [(Action.UNPUBLISHED, "ed", "Tram", None)]


def test_a_plain_edit_and_a_refused_change_record_nothing():
    author = staff("Author", username="al")
    article = ArticleFactory(title="Tram", author=author, draft=True)

    article.lead = "New lead."
    publishing.change_state(article=article, by=author, action="update")
    with pytest.raises(PermissionDenied):
        publishing.change_state(article=article, by=author, action="publish_now")

    assert entries() == []
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_the_admin_records_the_address_of_a_bulk_unpublish():
    editor = staff("Editor", username="ed")
    article = ArticleFactory(title="Ferry")
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(editor)

    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [article.pk]},
    )

    assert entries() == [(Action.UNPUBLISHED, "ed", "Ferry", "203.0.113.9")]


def test_a_required_check_refuses_publishing_and_writes_nothing():
    require(ContentCheck.BODY_IMAGE_ALT)
    editor = staff("Editor")
    article = ArticleFactory(title="Cranes", draft=True, body=NO_ALT)

    with pytest.raises(ValidationError) as refused:
        publishing.change_state(article=article, by=editor, action="publish_now")

    assert refused.value.messages == ["1 image in the body has no alt text."]
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    assert entries() == []
    # A check that only warns does not block.
    require()
    publishing.change_state(article=article, by=editor, action="publish_now")
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_the_form_says_why_a_required_check_refused_publishing():
    require(ContentCheck.LEAD_REPEATS_TITLE)
    editor = staff("Editor")
    article = ArticleFactory(title="Cranes arrive", lead="Cranes arrive.", draft=True)
    client = Client()
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {
            "title": article.title,
            "slug": article.slug,
            "lead": article.lead,
            "body": article.body,
            "category": article.category_id,
            "tags": "",
            "status": "draft",
            "_publish": "Publish",
        },
    )

    assert response.status_code == 200
    assert "The lead repeats the headline." in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    assert entries() == []


def test_a_bulk_publish_skips_what_a_required_check_refuses():
    require(ContentCheck.BODY_IMAGE_ALT)
    editor = staff("Editor")
    bad = ArticleFactory(title="No alt", draft=True, body=NO_ALT)
    good = ArticleFactory(title="Fine", draft=True)
    client = Client()
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [bad.pk, good.pk]},
        follow=True,
    )

    html = response.content.decode()
    assert "“No alt” was not changed: 1 image in the body has no alt text." in html
    assert "Published 1 article." in html
    assert Article.objects.get(pk=bad.pk).status == Article.Status.DRAFT
    assert Article.objects.get(pk=good.pk).status == Article.Status.PUBLISHED
