"""Demo content for `manage.py load_demo`: original text, generated images, users.

Everything here is written for this project; nothing is copied from the reference page.
Loading is idempotent: rows are found by slug or username and updated in place.
"""

import importlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from articles.models import Article, ArticleDailyViews, Category
from articles.search import refresh_search_vector
from digest.images import clean_upload, make_renditions
from digest.models import Page, SiteSettings, UsefulLink

User = get_user_model()
DEMO_PASSWORD = "demo-password-2026"

# username, role group, display name, is_staff, is_superuser
DEMO_USERS = [
    ("admin", None, "Site Administrator", True, True),
    ("editor", "Editor", "Elena Editor", True, False),
    ("author", "Author", "Arif Author", True, False),
    ("operator", "Site operator", "Omar Operator", True, False),
    ("reader", None, "Rana Reader", False, False),
]

# slug, name, parent slug, highlighted, colour
CATEGORIES = [
    ("cop29", "COP29", None, True, (18, 120, 90)),
    ("opinion", "Opinion", None, False, (120, 60, 140)),
    ("news", "News", None, False, (30, 70, 140)),
    ("economy", "Economy", "news", False, (180, 120, 20)),
    ("energy", "Energy", "news", False, (200, 80, 30)),
    ("climate-and-ecology", "Climate and Ecology", "news", False, (40, 140, 60)),
    ("culture", "Culture", None, False, (160, 40, 90)),
    ("diaspora", "Diaspora", None, False, (60, 110, 170)),
    ("interview", "Interview", None, False, (90, 90, 90)),
    ("science", "Science", None, False, (20, 130, 160)),
    ("logistics-transport", "Logistics-Transport", None, False, (110, 80, 40)),
    ("gender", "Gender", None, False, (190, 70, 120)),
    ("history", "History", None, False, (130, 100, 60)),
    ("defense", "Defense", None, False, (70, 80, 50)),
    ("karabakh", "Karabakh", None, False, (150, 50, 40)),
]

# Per category: (title, topic noun phrase, tags)
STORIES = {
    "cop29": [
        (
            "Negotiators close in on a new climate finance goal",
            "the finance goal",
            ["climate finance", "negotiations", "UN"],
        ),
        (
            "Host city prepares transport plan for summit delegates",
            "the summit transport plan",
            ["Baku", "transport", "summit"],
        ),
        (
            "Small island states press for faster adaptation funding",
            "adaptation funding",
            ["adaptation", "islands", "climate finance"],
        ),
        (
            "Youth pavilion opens with a week of public debates",
            "the youth pavilion",
            ["youth", "summit", "civil society"],
        ),
        (
            "Carbon market rules move a step closer to agreement",
            "the carbon market rules",
            ["carbon markets", "negotiations", "Article 6"],
        ),
    ],
    "opinion": [
        (
            "Why regional rail deserves a second look",
            "regional rail",
            ["rail", "policy", "infrastructure"],
        ),
        (
            "The quiet case for public libraries",
            "public libraries",
            ["libraries", "education", "culture"],
        ),
        (
            "What small businesses need from the next budget",
            "the next budget",
            ["budget", "small business", "economy"],
        ),
        (
            "Cities should plant shade before they pour concrete",
            "urban shade",
            ["cities", "heat", "climate"],
        ),
        (
            "Slow news is still good news",
            "slow journalism",
            ["media", "journalism", "reading"],
        ),
    ],
    "news": [
        (
            "Parliament approves a revised water management law",
            "the water law",
            ["parliament", "water", "law"],
        ),
        (
            "New ferry line links two Caspian ports",
            "the ferry line",
            ["Caspian", "ferries", "ports"],
        ),
        (
            "Census results show growth in mid-sized towns",
            "the census results",
            ["census", "population", "towns"],
        ),
        (
            "Regional airports report record autumn traffic",
            "autumn air traffic",
            ["aviation", "tourism", "airports"],
        ),
    ],
    "economy": [
        (
            "Central bank holds its key rate for a third month",
            "the key rate",
            ["central bank", "inflation", "rates"],
        ),
        (
            "Exporters look east as new trade corridors open",
            "the trade corridors",
            ["trade", "exports", "Middle Corridor"],
        ),
        (
            "Non-oil sector grows faster than forecast",
            "non-oil growth",
            ["GDP", "non-oil sector", "growth"],
        ),
        (
            "Start-up fund backs twenty young companies",
            "the start-up fund",
            ["start-ups", "investment", "technology"],
        ),
        (
            "Farm cooperatives try shared cold storage",
            "shared cold storage",
            ["agriculture", "cooperatives", "food"],
        ),
    ],
    "energy": [
        (
            "Solar plant in the south reaches full capacity",
            "the solar plant",
            ["solar", "renewables", "power"],
        ),
        (
            "Offshore wind survey maps the shallow shelf",
            "the offshore wind survey",
            ["wind", "offshore", "renewables"],
        ),
        (
            "Grid operator plans a new link to its neighbours",
            "the grid link",
            ["electricity", "grid", "interconnector"],
        ),
        (
            "Gas exports to Europe hold steady through the autumn",
            "gas exports",
            ["gas", "Europe", "pipelines"],
        ),
    ],
    "climate-and-ecology": [
        (
            "Caspian seal count finds a fragile recovery",
            "the seal count",
            ["Caspian", "wildlife", "biodiversity"],
        ),
        (
            "Volunteers replant a thousand hectares of forest",
            "the replanting drive",
            ["forests", "volunteers", "restoration"],
        ),
        (
            "River levels fall as a dry summer ends",
            "the river levels",
            ["drought", "rivers", "water"],
        ),
        (
            "City air monitors go online in twelve districts",
            "the air monitors",
            ["air quality", "cities", "health"],
        ),
        (
            "Wetland reserve doubles its protected area",
            "the wetland reserve",
            ["wetlands", "birds", "conservation"],
        ),
    ],
    "culture": [
        (
            "Carpet museum opens a hall of village weaving",
            "the weaving hall",
            ["carpets", "museums", "heritage"],
        ),
        (
            "Jazz festival returns with musicians from twenty countries",
            "the jazz festival",
            ["jazz", "music", "festivals"],
        ),
        (
            "Old town bookshops band together for a reading week",
            "the reading week",
            ["books", "reading", "old town"],
        ),
        (
            "A new generation of mugham singers takes the stage",
            "mugham singing",
            ["mugham", "music", "heritage"],
        ),
    ],
    "diaspora": [
        (
            "Community schools abroad teach the language on weekends",
            "weekend language schools",
            ["language", "education", "diaspora"],
        ),
        (
            "Returning graduates bring skills home",
            "returning graduates",
            ["graduates", "careers", "diaspora"],
        ),
        (
            "A cultural centre opens in a European capital",
            "the cultural centre",
            ["culture", "Europe", "diaspora"],
        ),
        (
            "Diaspora investors look at regional tourism",
            "diaspora investment",
            ["investment", "tourism", "diaspora"],
        ),
    ],
    "interview": [
        (
            "An engineer on building bridges in mountain valleys",
            "mountain bridges",
            ["engineering", "infrastructure", "interview"],
        ),
        (
            "A marine biologist on what the Caspian tells us",
            "Caspian research",
            ["Caspian", "science", "interview"],
        ),
        (
            "A film director on telling local stories",
            "local film",
            ["film", "culture", "interview"],
        ),
        (
            "A trade economist on the corridor decade",
            "the corridor decade",
            ["trade", "economy", "interview"],
        ),
    ],
    "science": [
        (
            "Observatory team records a rare meteor shower",
            "the meteor shower",
            ["astronomy", "observatory", "space"],
        ),
        (
            "University lab tests drought-tolerant wheat",
            "drought-tolerant wheat",
            ["agriculture", "research", "drought"],
        ),
        (
            "Seismologists upgrade the national sensor network",
            "the sensor network",
            ["earthquakes", "seismology", "research"],
        ),
        (
            "Students build a satellite the size of a shoebox",
            "the student satellite",
            ["space", "students", "technology"],
        ),
    ],
    "logistics-transport": [
        (
            "Container volumes rise at the new sea port",
            "container volumes",
            ["ports", "shipping", "logistics"],
        ),
        (
            "Railway upgrade cuts freight times to the border",
            "the railway upgrade",
            ["rail", "freight", "Middle Corridor"],
        ),
        (
            "Electric buses join the capital's busiest routes",
            "electric buses",
            ["buses", "electric vehicles", "cities"],
        ),
        (
            "Truck drivers welcome a faster customs lane",
            "the customs lane",
            ["customs", "trucks", "trade"],
        ),
    ],
    "gender": [
        (
            "More women enter engineering degree programmes",
            "women in engineering",
            ["education", "engineering", "women"],
        ),
        (
            "Rural women's cooperatives find new markets online",
            "rural cooperatives",
            ["cooperatives", "rural", "women"],
        ),
        (
            "Report maps the pay gap across industries",
            "the pay gap",
            ["pay gap", "work", "women"],
        ),
        (
            "Mentoring network pairs founders with executives",
            "the mentoring network",
            ["mentoring", "business", "women"],
        ),
    ],
    "history": [
        (
            "Excavation reveals a medieval caravanserai",
            "the caravanserai",
            ["archaeology", "Silk Road", "heritage"],
        ),
        (
            "Archive letters shed light on early oil workers",
            "the archive letters",
            ["oil", "archives", "heritage"],
        ),
        (
            "Restorers bring a century-old theatre back to life",
            "the theatre restoration",
            ["theatre", "architecture", "heritage"],
        ),
        (
            "A map collection travels from private hands to the library",
            "the map collection",
            ["maps", "libraries", "archives"],
        ),
    ],
    "defense": [
        (
            "Demining teams clear another stretch of farmland",
            "the demining work",
            ["demining", "farmland", "safety"],
        ),
        (
            "Cadet academy opens its doors to visitors",
            "the cadet academy",
            ["education", "cadets", "open day"],
        ),
        (
            "Regional security forum meets in the capital",
            "the security forum",
            ["security", "diplomacy", "forum"],
        ),
        (
            "Search and rescue drill tests mountain teams",
            "the rescue drill",
            ["rescue", "mountains", "emergency services"],
        ),
    ],
    "karabakh": [
        (
            "Families return to a rebuilt village",
            "the rebuilt village",
            ["reconstruction", "villages", "return"],
        ),
        (
            "New road shortens the trip to the highlands",
            "the highland road",
            ["roads", "reconstruction", "transport"],
        ),
        (
            "Orchards are replanted on cleared land",
            "the orchards",
            ["agriculture", "reconstruction", "farming"],
        ),
        (
            "A school rings its first bell in thirty years",
            "the school",
            ["education", "schools", "return"],
        ),
    ],
}

PLACES = [
    "Baku",
    "Ganja",
    "Sumgait",
    "Lankaran",
    "Sheki",
    "Shusha",
    "Nakhchivan",
    "Quba",
]
PEOPLE = [
    "Leyla Hasanova",
    "Murad Aliyev",
    "Sevda Karimova",
    "Tural Mammadov",
    "Nigar Huseynova",
    "Rashad Guliyev",
    "Aysel Ismayilova",
    "Kamran Babayev",
]
ROLES = [
    "a local official",
    "a project manager",
    "a researcher",
    "an economist",
    "a resident",
]

PARAGRAPHS = [
    "Work on {topic} began earlier this year in {place}, and the people involved say "
    "the first results are already visible. Progress has been steady rather than "
    "dramatic, which many see as a good sign.",
    '"We wanted to do this carefully, step by step," said {person}, {role}. "Nobody '
    'expects every problem to be solved at once, but the direction is clear."',
    "According to figures published last month, {topic} now involves around {number} "
    "people directly, with many more affected indirectly. The numbers are expected "
    "to grow over the coming year.",
    "Not everyone is convinced. Critics point out that similar plans have stalled "
    "before, and they want regular public reports on spending and timelines before "
    "offering their support.",
    "Supporters answer that the conditions are different this time. Funding has been "
    "set aside in advance, and the work is split into smaller stages that can be "
    "checked one at a time.",
    "In {place}, the mood is cautiously optimistic. Shop owners, teachers and drivers "
    "interviewed for this article described {topic} as something they talk about "
    "at home, not only something they read about.",
    "The next milestone is due in the spring, when an independent review will look at "
    "what has worked and what has not. Its findings will be made public.",
    "Experts note that {topic} is connected to wider changes in the region: new "
    "transport links, a younger workforce and a growing interest in long-term "
    "planning rather than quick fixes.",
    '"The most important thing is to listen to the people who live with the '
    'results," {person} added. "Their questions are usually the right ones."',
    "Similar efforts elsewhere offer mixed lessons. Where local communities were "
    "involved from the start, projects tended to finish on time; where they were "
    "not, delays and disputes followed.",
    "For now, the practical questions dominate: who pays for maintenance, how the "
    "work will be measured, and how quickly problems will be reported and fixed.",
    "Readers who want to follow {topic} closely can expect further updates as new "
    "data is released. We will return to the story when the review is published.",
]

OPINION_PARAGRAPHS = [
    "It is easy to dismiss {topic} as a niche concern. I think that would be a "
    "mistake, and the reasons are more practical than they first appear.",
    "Consider what happens when we ignore it: costs grow quietly, choices narrow, and "
    "by the time the problem is obvious the cheap solutions are gone.",
    "None of this requires grand gestures. It requires patience, honest numbers and a "
    "willingness to admit when a plan is not working.",
    "The argument against is usually about money. But the money is already being "
    "spent; the question is whether it is spent on prevention or on repair.",
    "If there is one thing to take from the last decade, it is that small, steady "
    "improvements add up faster than we expect.",
]

HEADINGS = [
    "What has changed",
    "What comes next",
    "The wider picture",
    "Why it matters",
]


def story_body(
    topic: str, rng: random.Random, opinion: bool = False, paragraphs: int = 0
) -> str:
    """An original article body about `topic`: 5–8 paragraphs, or `paragraphs`."""
    values = {
        "topic": topic,
        "place": rng.choice(PLACES),
        "person": rng.choice(PEOPLE),
        "role": rng.choice(ROLES),
        "number": f"{rng.randint(2, 90) * 100:,}",
    }
    source = OPINION_PARAGRAPHS + PARAGRAPHS[3:5] if opinion else PARAGRAPHS
    count = paragraphs or rng.randint(5, min(8, len(source)))
    chosen = rng.sample(source, count)
    parts = []
    for index, paragraph in enumerate(chosen):
        if index == 3:
            parts.append(f"<h2>{rng.choice(HEADINGS)}</h2>")
        parts.append(f"<p>{paragraph.format(**values)}</p>")
    return "".join(parts)


def lead_for(title: str, topic: str) -> str:
    return f"{topic[0].upper()}{topic[1:]} is in the news again: {title.lower()}."


# Images


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):
        return ImageFont.load_default()


def category_image(name: str, colour: tuple, variant: int = 0) -> bytes:
    """A 1600×900 JPEG: a gradient in `colour` with shapes and the category name."""
    width, height = 1600, 900
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    dark = tuple(max(0, c - 70) for c in colour)
    light = tuple(min(255, c + 90) for c in colour)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(light, dark, strict=True)),
        )
    rng = random.Random(f"{name}-{variant}")
    for _ in range(6):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(60, 260)
        shade = tuple(min(255, c + rng.randint(20, 60)) for c in colour)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=shade, width=10)
    draw.rectangle([80, height - 260, width - 80, height - 90], fill=dark)
    draw.text((120, height - 230), name, fill=(255, 255, 255), font=_font(96))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def link_image(title: str, colour: tuple) -> bytes:
    image = Image.new("RGB", (600, 300), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, 580, 280], outline=(255, 255, 255), width=6)
    draw.text((50, 120), title, fill=(255, 255, 255), font=_font(44))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def stored_image(path: str, make: Callable[[], bytes]) -> str:
    """Store the image `make()` draws at `path` through the upload pipeline, once."""
    if not default_storage.exists(path):
        cleaned = clean_upload(ContentFile(make(), name=path.rsplit("/", 1)[-1]))
        default_storage.save(path, cleaned)
    return path


# Loading


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
        for username, group, _name, _staff, superuser in DEMO_USERS
    ]


def role_group(name: str) -> Group:
    """The role group from the roles migration, recreated if it was deleted."""
    roles = importlib.import_module("articles.migrations.0003_roles").ROLES
    group, _ = Group.objects.get_or_create(name=name)
    query = Q(pk__in=[])
    for app_label, model, actions in roles[name]:
        query |= Q(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.add(*Permission.objects.filter(query))
    return group


def load_users() -> dict[str, User]:
    users = {}
    for username, group, name, is_staff, is_superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@digest.example",
                "display_name": name,
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


def load_site_settings() -> None:
    settings_row = SiteSettings.load()
    settings_row.site_name = "Digest"
    settings_row.tagline = "Daily Digest"
    settings_row.about = (
        "Digest is an independent daily news digest covering the economy, energy, "
        "climate, culture and the region's people. Our editors select, check and "
        "explain the stories that matter, every day."
    )
    settings_row.contact_email = "editor@digest.example"
    settings_row.x_url = "https://x.example/digest"
    settings_row.facebook_url = "https://facebook.example/digest"
    settings_row.telegram_url = "https://telegram.example/digest"
    settings_row.youtube_url = "https://youtube.example/digest"
    settings_row.instagram_url = "https://instagram.example/digest"
    settings_row.linkedin_url = "https://linkedin.example/digest"
    settings_row.founded_year = 2024
    settings_row.save()


def load_categories() -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for position, (slug, name, parent, highlighted, _colour) in enumerate(CATEGORIES):
        category, _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "parent": categories.get(parent) if parent else None,
                "position": position,
                "is_highlighted": highlighted,
                "show_in_menu": True,
                "description": f"News and analysis: {name}.",
            },
        )
        categories[slug] = category
    return categories


def load_category_images() -> dict[tuple[str, int], str]:
    """Two generated images per category, each with its renditions; name by key."""
    names = {}
    for slug, name, _parent, _h, colour in CATEGORIES:
        for variant in (0, 1):
            shade = tuple(min(255, max(0, c + (35 if variant else 0))) for c in colour)
            path = f"articles/demo/{slug}-{variant}.jpg"
            names[(slug, variant)] = stored_image(
                path,
                lambda name=name, shade=shade, variant=variant: category_image(
                    name, shade, variant
                ),
            )
    return names


PAGES = [
    (
        "privacy-policy",
        "Privacy Policy",
        True,
        [
            "This policy explains what personal data Digest collects when you read or "
            "sign in to the site, why we collect it and how long we keep it.",
            "<h2>What we collect</h2>",
            "When you create an account we store your username, email address and the "
            "articles you save or read. We keep server logs for security for up to "
            "thirty days.",
            "<h2>Your choices</h2>",
            "You may download or delete your account data at any time from your "
            "profile, or write to editor@digest.example.",
        ],
    ),
    (
        "terms-and-conditions",
        "Terms and Conditions",
        True,
        [
            "By using Digest you agree to these terms. Please read them carefully.",
            "<h2>Use of content</h2>",
            "Articles are published for personal, non-commercial reading. You may "
            "quote short passages with a link to the original article.",
            "<h2>Accounts</h2>",
            "Keep your password safe. We may suspend accounts that abuse the service "
            "or other readers.",
        ],
    ),
    (
        "cookies-policy",
        "Cookies Policy",
        True,
        [
            "Digest uses a small number of cookies to keep you signed in, remember "
            "your cookie choice and protect forms against forgery.",
            "<h2>No advertising cookies</h2>",
            "We do not use advertising or third-party tracking cookies.",
        ],
    ),
    (
        "who-we-are",
        "Who we are",
        False,
        [
            "Digest is a small newsroom of editors and writers who believe that a "
            "daily summary of careful reporting is worth more than a constant stream "
            "of alerts.",
            "<h2>Our principles</h2>",
            "We check before we publish, we correct openly, and we separate news "
            "from opinion.",
        ],
    ),
]

LINKS = [
    ("State Statistics Committee", "https://stat.example/", (30, 90, 150)),
    ("Open Data Portal", "https://opendata.example/", (40, 130, 80)),
    ("Weather Service", "https://weather.example/", (200, 120, 20)),
    ("National Library", "https://library.example/", (120, 60, 140)),
]


def load_pages_and_links() -> None:
    for position, (slug, title, footer, paragraphs) in enumerate(PAGES):
        body = "".join(p if p.startswith("<") else f"<p>{p}</p>" for p in paragraphs)
        Page.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "body": body,
                "show_in_footer": footer,
                "is_published": True,
                "position": position,
                "seo_description": paragraphs[0][:160],
            },
        )
    for position, (title, url, colour) in enumerate(LINKS):
        path = f"links/{slugify(title)}.png"
        stored_image(path, partial(link_image, title, colour))
        UsefulLink.objects.update_or_create(
            title=title, defaults={"url": url, "image": path, "position": position}
        )


def load_articles(users: dict[str, User], categories: dict[str, Category]) -> int:
    """The demo articles: about 60 published, one scheduled, one draft."""
    images = load_category_images()
    rng = random.Random(2026)
    now = timezone.now()
    writers = [users["editor"], users["author"]]
    stories = [
        (slug, index, story)
        for slug, items in STORIES.items()
        for index, story in enumerate(items)
    ]
    rng.shuffle(stories)
    created = 0
    for position, (cat_slug, index, (title, topic, tags)) in enumerate(stories):
        slug = slugify(title)[:200]
        if position == 0:
            status, published_at = Article.Status.PUBLISHED, now + timedelta(days=2)
        elif position == 1:
            status, published_at = Article.Status.DRAFT, None
        else:
            status = Article.Status.PUBLISHED
            published_at = now - timedelta(
                days=(position - 2) * 60 / len(stories), hours=rng.randint(0, 6)
            )
        reprint = position % 13 == 5
        variant = index % 2
        defaults = {
            "title": title,
            "lead": lead_for(title, topic),
            "body": story_body(topic, rng, opinion=cat_slug == "opinion"),
            "category": categories[cat_slug],
            "author": writers[position % 2],
            "byline": rng.choice(PEOPLE) if position % 4 == 0 else "",
            "status": status,
            "published_at": published_at,
            "is_featured": position in {2, 3, 4, 9},
            "source_name": "Caspian Wire" if reprint else "",
            "source_url": f"https://caspianwire.example/{slug}" if reprint else "",
            "image": images[(cat_slug, variant)],
            "image_alt": f"Illustration for {categories[cat_slug].name}",
            "image_caption": f"{categories[cat_slug].name}. Illustration: Digest.",
            "seo_description": lead_for(title, topic)[:160],
        }
        article = Article.objects.filter(slug=slug).first()
        if article is None:
            article = Article(slug=slug, **defaults)
            article.save()
            created += 1
        article.tags.set(tags)
        refresh_search_vector(article)
        if article.image:
            make_renditions(article.image)
        if article.is_public:
            load_views(article)
    return created


def load_views(article: Article, days: int = 14) -> None:
    """Readers over the last two weeks, so "Most read" and the admin chart show
    something on a new site. Once per article: a rerun leaves real counts alone."""
    if ArticleDailyViews.objects.filter(article=article).exists():
        return
    rng = random.Random(article.slug)
    audience = rng.randint(40, 900)
    today = timezone.localdate()
    first_day = max(article.published_at.date(), today - timedelta(days=days - 1))
    published = article.published_at.date()
    rows = []
    for n in range((today - first_day).days + 1):
        day = first_day + timedelta(days=n)
        age = (day - published).days  # most readers come in the first days
        views = round(audience * rng.uniform(0.5, 1.2) / (1 + age * 0.4))
        rows.append(ArticleDailyViews(article=article, day=day, views=views))
    ArticleDailyViews.objects.bulk_create(rows)
    Article.objects.filter(pk=article.pk).update(
        view_count=sum(row.views for row in rows) + rng.randint(0, 4000)
    )


@transaction.atomic
def load_demo() -> int:
    """Load or refresh the whole demo site; return how many articles were new."""
    load_site_settings()
    users = load_users()
    categories = load_categories()
    load_pages_and_links()
    return load_articles(users, categories)
