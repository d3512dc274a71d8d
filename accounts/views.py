import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from accounts import emails, follows, lifecycle, limits
from accounts import history as reading_history
from accounts import saved as saved_articles
from accounts.forms import (
    EmailChangeForm,
    EmailForm,
    LoginForm,
    PasswordConfirmForm,
    ProfileForm,
    SignupForm,
)
from accounts.models import ReadingHistory, SavedArticle, User
from accounts.tokens import (
    InvalidLink,
    read_confirmation_token,
    read_email_change_token,
)
from articles.models import Article, Category
from digest.pagination import paginate

PER_PAGE = 20


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` parameter when it points at this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# Sign in and out


class LoginView(auth_views.LoginView):
    """Sign in. `?save=<id>` is a card's Save link followed without JavaScript:
    signing in saves that article too and returns to it (unless `next` says where)."""

    form_class = LoginForm
    template_name = "accounts/login.html"

    @cached_property
    def article_to_save(self) -> Article | None:
        value = self.request.POST.get("save") or self.request.GET.get("save") or ""
        # ASCII digits only ("²".isdigit() is true) and within a bigint.
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            return None
        return Article.objects.published().filter(pk=int(value)).first()

    def get_default_redirect_url(self):
        if self.article_to_save is not None:
            return self.article_to_save.get_absolute_url()
        return super().get_default_redirect_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        # Unchecked "Remember me": the session cookie ends with the browser.
        self.request.session.set_expiry(None if form.cleaned_data["remember"] else 0)
        if self.article_to_save is not None:
            saved_articles.merge_saved(
                user=form.get_user(), article_ids=[self.article_to_save.pk]
            )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["save"] = self.article_to_save.pk if self.article_to_save else ""
        form = context["form"]
        context["unconfirmed"] = form.is_bound and form.has_error(
            NON_FIELD_ERRORS, "unconfirmed"
        )
        return context


class LogoutView(auth_views.LogoutView):
    """POST signs out; GET only shows a button that posts."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name)


# Sign up and confirm


@sensitive_post_parameters("password1", "password2")
@never_cache
def signup(request):
    """Sign up; the answer is the same whether or not the address has an account."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not limits.allow_email(request, purpose="signup", address=email):
            form.add_error(
                None, _("Too many sign-ups from here. Please try again in an hour.")
            )
        else:
            lifecycle.sign_up(
                email=email,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
            )
            return redirect("accounts:confirm_sent")
    return render(request, "accounts/signup.html", {"form": form})


def confirm_sent(request):
    return render(request, "accounts/confirm_sent.html")


@never_cache
def confirm(request, token):
    """Confirm a sign-up from the emailed link (works once, for three days)."""
    try:
        user = read_confirmation_token(token)
    except InvalidLink as link:
        return render(
            request, "accounts/link_invalid.html", {"reason": link.reason}, status=400
        )
    if not lifecycle.confirm_email(user=user):
        return render(
            request, "accounts/link_invalid.html", {"reason": "used"}, status=400
        )
    # The link proves the reader owns the address and works once: it signs them in.
    login(request, user, backend="accounts.auth.AccountBackend")
    messages.success(request, _("Your email address is confirmed. You are signed in."))
    return redirect("home")


@never_cache
def resend_confirmation(request):
    """Send a new confirmation link; the answer is the same for any address."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if limits.allow_email(request, purpose="confirm", address=email):
            user = User.objects.filter(
                email__iexact=email, email_verified_at__isnull=True, is_active=True
            ).first()
            if user is not None:
                emails.send_confirmation(user=user)
        return redirect("accounts:confirm_sent")
    return render(request, "accounts/resend_confirmation.html", {"form": form})


# Password reset and change


@never_cache
def password_reset(request):
    """Email a reset link; the answer is the same whether or not the address has an account."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if limits.allow_email(request, purpose="reset", address=email):
            lifecycle.request_password_reset(email=email)
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset_form.html", {"form": form})


password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The emailed link proves the address, just as a confirmation link does.
        lifecycle.confirm_email(user=form.user)
        return response


password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        # Django keeps this session signed in (update_session_auth_hash); every
        # other session of the user fails its auth-hash check and ends.
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password was changed. Your other sessions were signed out."),
        )
        return response


# Profile


@login_required
def profile(request):
    form = ProfileForm(
        request.POST or None, request.FILES or None, instance=request.user
    )
    old_avatar = request.user.avatar.name
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if old_avatar and old_avatar != user.avatar.name:
            storage = user.avatar.storage
            transaction.on_commit(lambda: storage.delete(old_avatar))
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@sensitive_post_parameters("password")
def email_change(request):
    """Send a confirmation link to the new address; the change waits for it."""
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        taken = User.objects.filter(email__iexact=new_email).exists()
        allowed = limits.allow_email(request, purpose="email_change", address=new_email)
        if allowed and not taken:
            emails.send_email_change(user=request.user, new_email=new_email)
        messages.info(
            request,
            _(
                "If that address can be used, we sent a link to it. Your email "
                "changes when you open the link."
            ),
        )
        return redirect("accounts:profile")
    return render(request, "accounts/email_change.html", {"form": form})


@never_cache
def email_change_confirm(request, token):
    try:
        user, new_email = read_email_change_token(token)
    except InvalidLink as link:
        return render(
            request, "accounts/link_invalid.html", {"reason": link.reason}, status=400
        )
    if not lifecycle.change_email(user=user, new_email=new_email):
        return render(
            request, "accounts/link_invalid.html", {"reason": "taken"}, status=400
        )
    messages.success(request, _("Your email address is now %s.") % new_email)
    return redirect("accounts:profile" if request.user.is_authenticated else "home")


@login_required
@sensitive_post_parameters("password")
def delete_account(request):
    """Delete the signed-in account after the password is confirmed."""
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        lifecycle.delete_account(user=user)
        messages.success(request, _("Your account was deleted."))
        return redirect("home")
    return render(request, "accounts/delete_account.html", {"form": form})


# Saved articles


@login_required
def saved(request):
    items = (
        SavedArticle.objects.filter(user=request.user)
        .readable()
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, items, per_page=PER_PAGE)
    return render(request, "accounts/saved.html", {"page_obj": page})


@require_POST
def saved_toggle(request, article_id):
    """Save or unsave an article: JSON for fetch, else a redirect back."""
    if not request.user.is_authenticated:
        if wants_json(request):
            return JsonResponse({"error": "login required"}, status=401)
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    already = SavedArticle.objects.filter(
        user=request.user, article_id=article_id
    ).exists()
    articles = Article.objects.all() if already else Article.objects.published()
    article = get_object_or_404(articles, pk=article_id)
    is_saved = saved_articles.toggle_saved(user=request.user, article=article)
    if wants_json(request):
        return JsonResponse({"saved": is_saved})
    return redirect(safe_next(request, reverse("accounts:saved")))


@never_cache
@require_GET
def saved_ids(request):
    """Who is signed in, what they saved and follow: for accounts.js on cached pages."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "ids": [], "following": []})
    ids = list(
        SavedArticle.objects.filter(user=request.user).values_list(
            "article_id", flat=True
        )
    )
    following = list(
        Category.objects.filter(followers__user=request.user).values_list(
            "slug", flat=True
        )
    )
    return JsonResponse({"authenticated": True, "ids": ids, "following": following})


MAX_ID = 2**63 - 1  # a bigint primary key


def _merge_ids(body: bytes) -> list[int] | None:
    """The ids of `{"ids": [1, 2, ...]}`, or None for anything else."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, RecursionError):  # not JSON, bad UTF-8, nested too deep
        return None
    ids = payload.get("ids", []) if isinstance(payload, dict) else None
    if not isinstance(ids, list) or not all(
        type(pk) is int and 0 < pk <= MAX_ID for pk in ids
    ):
        return None
    return ids[: saved_articles.MERGE_LIMIT]


@require_POST
def saved_merge(request):
    """Add a guest's saved ids (kept in the browser) to the signed-in account."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "login required"}, status=401)
    ids = _merge_ids(request.body)
    if ids is None:
        return JsonResponse({"error": 'expected {"ids": [numbers]}'}, status=400)
    added = saved_articles.merge_saved(user=request.user, article_ids=ids)
    return JsonResponse({"added": added})


@never_cache
@require_GET
def csrf(request):
    """A CSRF token for scripts on cached pages, which carry none."""
    from django.middleware.csrf import get_token

    return JsonResponse({"token": get_token(request)})


# Reading history and followed categories


@login_required
def history(request):
    items = (
        ReadingHistory.objects.filter(user=request.user)
        .readable()
        .order_by("-read_at", "-pk")
    )
    page = paginate(request, items, per_page=PER_PAGE)
    return render(request, "accounts/history.html", {"page_obj": page})


@login_required
@require_POST
def history_clear(request):
    reading_history.clear_history(user=request.user)
    messages.success(request, _("Your reading history was cleared."))
    return redirect("accounts:history")


@require_POST
def follow_toggle(request, slug):
    """Follow or stop following a category."""
    if not request.user.is_authenticated:
        if wants_json(request):
            return JsonResponse({"error": "login required"}, status=401)
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    category = get_object_or_404(Category, slug=slug)
    following = follows.toggle_follow(user=request.user, category=category)
    if wants_json(request):
        return JsonResponse({"following": following})
    if following:
        messages.success(request, _("You now follow %s.") % category.name)
    else:
        messages.success(request, _("You no longer follow %s.") % category.name)
    return redirect(safe_next(request, reverse("accounts:feed")))


@login_required
def feed(request):
    """Published articles from followed categories and their sub-categories."""
    followed = Category.objects.filter(followers__user=request.user).order_by("name")
    ids = list(followed.values_list("pk", flat=True))
    articles = (
        Article.objects.published()
        .filter(Q(category_id__in=ids) | Q(category__parent_id__in=ids))
        .cards()
        .newest_first()
    )
    page = paginate(request, articles, per_page=PER_PAGE)
    return render(
        request, "accounts/feed.html", {"page_obj": page, "followed": followed}
    )
