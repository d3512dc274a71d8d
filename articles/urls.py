from django.urls import path

from articles import feeds, views, views_count, views_search
from digest.cache import cacheable_page

# Feeds list the newest articles: stale after any change to a published one.
newest = cacheable_page("latest")

app_name = "articles"

urlpatterns = [
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("category/<slug:slug>/", views.category_detail, name="category"),
    path("tag/<slug:slug>/", views.tag_detail, name="tag"),
    path("search/", views_search.search, name="search"),
    path("feed/", newest(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", newest(feeds.LatestArticlesAtomFeed()), name="feed_atom"),
    path(
        "category/<slug:slug>/feed/",
        newest(feeds.CategoryFeed()),
        name="category_feed",
    ),
    path("views/<int:pk>/", views_count.count_view, name="count_view"),
]
