from django.urls import path

from articles import views_search

app_name = "articles"

urlpatterns = [
    path("search/", views_search.search, name="search"),
]
