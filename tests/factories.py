"""Factories for test data: real rows in PostgreSQL, real images from Pillow."""

import io
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from accounts import roles
from accounts.models import User
from articles.models import Article, Category
from digest.models import Page, UsefulLink


def image_bytes(width=1600, height=900, color=(40, 90, 160), fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


def image_file(name="photo.jpg", **kwargs) -> ContentFile:
    return ContentFile(image_bytes(**kwargs), name=name)


def role_group(name: str):
    """The role group `name` ("Author", "Editor", "Site operator") with its permissions.

    The data migration creates these; transactional tests flush them, so tests ask
    for them through here.
    """
    return roles.role_group(name)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password("correct horse battery staple")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    position = factory.Sequence(lambda n: n)


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Harbour council approves plan number {n}")
    slug = factory.Sequence(lambda n: f"harbour-plan-{n}")
    lead = "The council voted to widen the quay and add a ferry berth."
    body = "<p>The vote passed after a long debate about costs and timing.</p>"
    category = factory.SubFactory(CategoryFactory)
    author = factory.SubFactory(UserFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        in_review = factory.Trait(status=Article.Status.REVIEW, published_at=None)
        scheduled = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(
                lambda: timezone.now() + timedelta(days=1)
            ),
        )
        with_image = factory.Trait(image=factory.LazyFunction(lambda: image_file()))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def search(self, create, extracted, **kwargs):
        if create:
            from articles.search import refresh_search_vector

            refresh_search_vector(self)


class PageFactory(DjangoModelFactory):
    class Meta:
        model = Page
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "<p>What this page says.</p>"


class UsefulLinkFactory(DjangoModelFactory):
    class Meta:
        model = UsefulLink

    title = factory.Sequence(lambda n: f"Link {n}")
    url = factory.Sequence(lambda n: f"https://example.org/{n}")
