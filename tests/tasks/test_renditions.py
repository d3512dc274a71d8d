"""A featured image's renditions are made by the worker; until then pages show the original."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from tests.articles.test_images import post_article
from tests.factories import UserFactory, image_bytes, role_group
from tests.tasks.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PICTURE = Template(
    "{% load article_images %}{% picture article.image alt=article.image_alt %}"
)


def picture(article) -> str:
    return PICTURE.render(Context({"article": article}))


def test_upload_shows_the_original_until_the_worker_made_renditions(
    workers, client, settings
):
    editor = UserFactory(username="the-editor", is_staff=True)
    editor.groups.add(role_group("Editor"))
    client.force_login(editor)
    upload = SimpleUploadedFile("pier.jpg", image_bytes(1600, 900), "image/jpeg")

    assert post_article(client, upload).status_code == 302
    article = Article.objects.get()
    before = picture(article)
    assert f'src="{article.image.url}"' in before
    assert "srcset" not in before

    workers.start_ready()
    task = DBTaskResult.objects.get(
        task_path__endswith="make_featured_image_renditions"
    )
    wait_for(
        lambda: (
            DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL
        ),
        what="the renditions task",
    )
    after = picture(article)
    assert ".w400.webp 400w" in after and ".w1600.webp 1600w" in after
    assert ".w1200.jpg 1200w" in after
