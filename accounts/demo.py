"""The demo site's accounts, and `load_demo()`, which loads the whole site.

Here rather than in `articles` because it creates users and role groups; the
sections, articles, pages and images come from `articles.demo`.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import role_group
from articles import demo as articles_demo
from articles import demo_content as content

DEMO_PASSWORD = "demo-password-2026"

# username, role group, display name, is_staff, is_superuser, bio
DEMO_USERS = [
    ("admin", None, "Site Administrator", True, True, ""),
    ("editor", "Editor", "Elena Editor", True, False, content.EDITOR_BIO),
    ("author", "Author", "Arif Author", True, False, content.AUTHOR_BIO),
    ("operator", "Site operator", "Omar Operator", True, False, ""),
    ("reader", None, "Rana Reader", False, False, ""),
] + [
    (username, "Author", name, True, False, bio)
    for username, name, bio in content.WRITERS
]
WRITER_USERNAMES = ["editor", "author"] + [row[0] for row in content.WRITERS]


@dataclass
class DemoAccount:
    username: str
    role: str
    password: str


def demo_accounts() -> list[DemoAccount]:
    return [
        DemoAccount(
            username,
            "Superuser" if superuser else (group or "Reader"),
            DEMO_PASSWORD,
        )
        for username, group, _name, _staff, superuser, _bio in DEMO_USERS
    ]


def load_users() -> dict[str, User]:
    users = {}
    for username, group, name, is_staff, is_superuser, bio in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@digest.example",
                "display_name": name,
                "bio": bio,
                "is_staff": is_staff,
                "is_superuser": is_superuser,
                "email_verified_at": timezone.now(),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if group:
            user.groups.add(role_group(group))
        users[username] = user
    return users


@transaction.atomic
def load_demo() -> int:
    """Load or refresh the whole demo site; return how many articles were new."""
    articles_demo.load_site_settings()
    users = load_users()
    categories = articles_demo.load_categories()
    articles_demo.load_pages_and_links()
    writers = [users[username] for username in WRITER_USERNAMES]
    return articles_demo.load_articles(writers, categories)
