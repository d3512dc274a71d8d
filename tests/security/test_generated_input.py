"""Generated text (Hypothesis) through the search, sign-in and sign-up forms: never a 500."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# Any Unicode text, NUL and control characters included, sometimes long, plus
# fragments that mean something to tsquery, SQL, HTML or URLs.
TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=300),
    st.lists(
        st.sampled_from(
            [
                "&",
                "|",
                "!",
                ":*",
                "(",
                ")",
                "<->",
                "'",
                '"',
                "\\",
                "%",
                "_",
                "--",
                ";",
                "\x00",
                "<script>",
                "javascript:",
                "//",
                "../",
                " ",
                "harbour",
            ]
        ),
        max_size=40,
    ).map("".join),
    st.text(min_size=1000, max_size=5000),
)

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def article():
    return ArticleFactory(title="Harbour ferries return", tags=["harbour"])


@HYPOTHESIS
@given(query=TEXT, category=TEXT, page=TEXT)
def test_search_answers_any_query(article, query, category, page):
    response = Client().get(
        "/search/", {"q": query, "category": category, "page": page}
    )
    assert response.status_code < 500
    if response.status_code == 200:
        assert b"<script>alert" not in response.content


@HYPOTHESIS
@given(username=TEXT, password=TEXT, next_url=TEXT)
def test_sign_in_answers_any_credentials(article, username, password, next_url):
    response = Client().post(
        "/accounts/login/",
        {"username": username, "password": password, "next": next_url},
    )
    assert response.status_code < 500


@HYPOTHESIS
@given(username=TEXT, email=TEXT, display_name=TEXT, password=TEXT)
def test_sign_up_answers_any_input(article, username, email, display_name, password):
    response = Client().post(
        "/accounts/signup/",
        {
            "username": username,
            "email": email,
            "display_name": display_name,
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code < 500
