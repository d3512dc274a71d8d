"""Editor HTML is sanitized on save: hostile markup never reaches a reader's page."""

import re

import pytest

from digest.sanitize import clean_html
from tests.factories import ArticleFactory, PageFactory

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="/media/a.jpg" onerror="alert(1)">',
    '<img src=x onerror=alert(1)//">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="java&#x09;script:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    '<img src="javascript:alert(1)">',
    '<img src="https://evil.example/track.gif">',
    '<img src="//evil.example/track.gif">',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe src="https://www.youtube.com.evil.example/embed/x"></iframe>',
    '<iframe src="http://www.youtube.com/embed/x"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<body onload="alert(1)">text</body>',
    '<p onclick="alert(1)" style="background:url(javascript:alert(1))">p</p>',
    '<div onmouseover="alert(1)">hover</div>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">x</details>',
    '<video><source onerror="alert(1)"></video>',
    '<base href="javascript:alert(1)//">',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "<!--<script>alert(1)</script>-->",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<h2 onmouseenter="alert(1)">heading</h2>',
]


def _dangerous(html: str) -> list[str]:
    found = []
    if re.search(r"<\s*script", html, re.I):
        found.append("script tag")
    if re.search(r"\son[a-z]+\s*=", html, re.I):
        found.append("event handler")
    if re.search(r"javascript:|vbscript:|data:", html, re.I):
        found.append("dangerous URL")
    if re.search(
        r"<\s*(style|link|meta|object|embed|form|input|base|svg|math)", html, re.I
    ):
        found.append("forbidden tag")
    for src in re.findall(r'<iframe[^>]*src="([^"]*)"', html):
        if not src.startswith(
            (
                "https://www.youtube.com/",
                "https://www.youtube-nocookie.com/",
                "https://player.vimeo.com/",
            )
        ):
            found.append(f"foreign iframe {src}")
    if re.search(r"<iframe(?![^>]*src=)", html):
        found.append("iframe without source")
    for src in re.findall(r'<img[^>]*src="([^"]*)"', html):
        if not src.startswith("/media/"):
            found.append(f"foreign image {src}")
    return found


def test_corpus_is_large_enough():
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markup_is_neutralised(payload):
    cleaned = clean_html(payload)
    assert _dangerous(cleaned) == [], cleaned


def test_allowed_markup_survives():
    html = (
        "<h2>Heading</h2><h3>Sub</h3><p>Text with <strong>bold</strong>, <em>em</em>, "
        "<b>b</b>, <i>i</i>, <u>u</u> and <s>s</s>.<br></p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol>"
        "<blockquote>quoted</blockquote>"
        '<figure><img src="/media/articles/2026/11/a.jpg" alt="A harbour" width="800" '
        'height="450"><figcaption>Caption</figcaption></figure>'
        "<table><caption>Table</caption><thead><tr><th>h</th></tr></thead>"
        "<tbody><tr><td>d</td></tr></tbody></table>"
        '<a href="/articles/other/">internal</a>'
        '<a href="mailto:editor@digest.example">mail</a>'
    )
    cleaned = clean_html(html)
    for fragment in [
        "<h2>Heading</h2>",
        "<h3>Sub</h3>",
        "<strong>bold</strong>",
        "<em>em</em>",
        "<u>u</u>",
        "<s>s</s>",
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote>quoted</blockquote>",
        '<img src="/media/articles/2026/11/a.jpg" alt="A harbour" width="800" height="450">',
        "<figcaption>Caption</figcaption>",
        "<caption>Table</caption>",
        "<th>h</th>",
        "<td>d</td>",
        '<a href="/articles/other/">internal</a>',
        '<a href="mailto:editor@digest.example">mail</a>',
    ]:
        assert fragment in cleaned


def test_external_links_get_noopener_and_internal_do_not():
    cleaned = clean_html(
        '<a href="https://example.org/x">out</a> <a href="/articles/a/">in</a>'
    )
    assert (
        '<a href="https://example.org/x" rel="noopener noreferrer">out</a>' in cleaned
    )
    assert '<a href="/articles/a/">in</a>' in cleaned


@pytest.mark.parametrize(
    "src",
    [
        "https://www.youtube.com/embed/abc",
        "https://www.youtube-nocookie.com/embed/abc",
        "https://player.vimeo.com/video/123",
    ],
)
def test_allowlisted_video_iframes_stay(src):
    cleaned = clean_html(f'<iframe src="{src}" width="560" height="315"></iframe>')
    assert f'<iframe src="{src}" width="560" height="315"></iframe>' == cleaned


def test_foreign_iframe_is_dropped_entirely_and_text_around_it_stays():
    cleaned = clean_html(
        '<p>before</p><iframe src="https://evil.example/">inner</iframe><p>after</p>'
    )
    assert cleaned == "<p>before</p><p>after</p>"


@pytest.mark.django_db
def test_article_save_sanitizes_body_and_sets_reading_time():
    words = " ".join(["word"] * 1000)
    article = ArticleFactory(body=f"<p onclick='x()'>{words}</p><script>bad()</script>")
    article.refresh_from_db()
    assert article.body == f"<p>{words}</p>"
    assert article.reading_time == 5


@pytest.mark.django_db
def test_short_article_reads_in_one_minute():
    article = ArticleFactory(body="<p>Ten words or so, hardly a minute of reading.</p>")
    assert article.reading_time == 1


@pytest.mark.django_db
def test_page_save_sanitizes_body():
    page = PageFactory(body='<p>Policy</p><img src="x" onerror="alert(1)">')
    page.refresh_from_db()
    assert page.body == "<p>Policy</p>"
