from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles import views as article_views
from digest import views

urlpatterns = [
    path("", article_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("articles.urls")),
    path("cookies/accept/", views.accept_cookies, name="accept_cookies"),
    path("author/<str:username>/", article_views.author_detail, name="author"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Policy and static pages: last, so every other route wins.
urlpatterns += [path("<slug:slug>/", views.page_detail, name="page")]
