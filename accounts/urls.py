from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("confirm/sent/", views.confirm_sent, name="confirm_sent"),
    path("confirm/resend/", views.resend_confirmation, name="confirm_resend"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path(
        "password-change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("profile/", views.profile, name="profile"),
    path("email/", views.email_change, name="email_change"),
    path(
        "email/confirm/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
    path("delete/", views.delete_account, name="delete"),
    path("saved/", views.saved, name="saved"),
    path("saved/ids/", views.saved_ids, name="saved_ids"),
    path("saved/merge/", views.saved_merge, name="saved_merge"),
    path("saved/<int:article_id>/toggle/", views.saved_toggle, name="saved_toggle"),
    path("csrf/", views.csrf, name="csrf"),
    path("history/", views.history, name="history"),
    path("history/clear/", views.history_clear, name="history_clear"),
    path("follow/<slug:slug>/", views.follow_toggle, name="follow"),
    path("feed/", views.feed, name="feed"),
]
