import copy

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import emails, roles
from accounts.forms import TimeZoneField
from accounts.models import User
from digest.audit import Action, record_audit


class PasswordSummaryWidget(ReadOnlyPasswordHashWidget):
    """The password summary without the button, for accounts the viewer may not change."""

    def render(self, name, value, attrs=None, renderer=None):
        summary = self.get_context(name, value, attrs)["summary"]
        return format_html(
            "<div><p>{}</p></div>",
            format_html_join(
                " ",
                "<strong>{}</strong>{}",
                (
                    (entry["label"], f": {entry['value']}" if "value" in entry else "")
                    for entry in summary
                ),
            ),
        )


def role_field(actor: User, user: User | None) -> forms.MultipleChoiceField:
    """The one role control: the roles `actor` may give; staff status follows."""
    choices = [
        (name, name)
        for name in roles.ROLE_NAMES
        if roles.may_grant(actor, name) or (user and name in roles.roles_of(user))
    ]
    field = forms.MultipleChoiceField(
        label=_("Role"),
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Any role opens the admin (staff status follows); none makes a reader. "
            "You can give only roles whose rights you hold yourself."
        ),
    )
    if user is not None and user.pk == actor.pk:
        field.disabled = True
        field.help_text = _("Nobody changes their own role.")
    return field


ROLE_CHOICES = [(name, name) for name in roles.ROLE_NAMES]


class RoleFormMixin:
    """Checks the role change against accounts.roles' rule as a form error.

    UserAdmin.get_form sets `actor` and narrows `roles` to what the actor may give.
    """

    actor: User

    def clean_roles(self):
        names = self.cleaned_data.get("roles") or []
        reason = roles.refusal(by=self.actor, user=self.instance, names=names)
        if reason:
            raise forms.ValidationError(reason)
        return names


class UserForm(RoleFormMixin, UserChangeForm):
    roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, required=False)

    class Meta(UserChangeForm.Meta):
        model = User


class InviteForm(RoleFormMixin, forms.ModelForm):
    """A new account: no password here; the emailed invitation lets them choose one."""

    roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, required=False)

    class Meta:
        model = User
        fields = ["username", "email", "display_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        user.email_verified_at = None  # the invitation link confirms it
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Operators manage accounts within accounts.roles' rule: no one grants rights
    they lack, changes their own role, or touches an account with more rights."""

    form = UserForm
    add_form = InviteForm
    add_form_template = None
    list_display = [
        "username",
        "email",
        "display_name",
        "roles",
        "is_active",
        "is_staff",
        "email_verified_at",
        "date_joined",
        "last_login",
    ]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "display_name", "email"]
    ordering = ["-date_joined"]
    readonly_fields = ["is_staff", "last_login", "date_joined"]
    actions = ["activate", "deactivate", "send_password_reset"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "display_name",
                    "email",
                    "email_verified_at",
                    "bio",
                    "avatar",
                    "time_zone",
                ]
            },
        ),
        (
            _("Role and access"),
            {
                "fields": [
                    "roles",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "user_permissions",
                ]
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "email", "display_name", "roles"],
                "description": _(
                    "The new account is emailed an invitation to choose a password."
                ),
            },
        )
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            readonly += ["is_active"]
            if request.user.is_superuser:
                readonly += ["is_superuser"]
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        # A class of its own per request (modelform_factory): setting fields
        # here changes nothing another request sees.
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        if "roles" in form.base_fields:
            form.base_fields["roles"] = role_field(request.user, obj)
            if obj is not None:
                form.base_fields["roles"].initial = roles.roles_of(obj)
        password = form.base_fields.get("password")
        if password and obj is not None and not roles.may_manage(request.user, obj):
            password = copy.deepcopy(password)
            password.widget = PasswordSummaryWidget()
            form.base_fields["password"] = password
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":
            return TimeZoneField()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = role_summary(
            roles.roles_of(user) if change else [],
            form.initial.get("is_superuser", False),
        )
        super().save_related(request, form, formsets, change)
        # Also when only the superuser flag changed: staff status follows both.
        roles.set_roles(user=user, names=form.cleaned_data["roles"], by=request.user)
        after = role_summary(roles.roles_of(user), user.is_superuser)
        if after != before:
            record_audit(
                action=Action.ROLE_CHANGED,
                actor=request.user,
                target=user,
                request=request,
                detail=f"{before or '—'} → {after or '—'}",
            )
        if not change:
            transaction.on_commit(
                lambda: emails.send_invitation(user=user, by=request.user)
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        # Django answers a password it saved with a redirect to the user's page.
        changed_url = reverse("admin:accounts_user_change", args=[id])
        if request.method == "POST" and getattr(response, "url", "") == changed_url:
            record_audit(
                action=Action.PASSWORD_CHANGED,
                actor=request.user,
                target=User.objects.get(pk=id),
                request=request,
                detail="Set by an administrator",
            )
        return response

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("An invitation to choose a password was emailed to %s.") % obj.email,
            messages.SUCCESS,
        )
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    # The article form's author field searches staff here (admin autocomplete).
    # Editors may use that search without seeing the users list: names only,
    # staff only, no email addresses.

    @staticmethod
    def _is_author_search(request) -> bool:
        match = request.resolver_match
        return (
            match is not None
            and match.url_name == "autocomplete"
            and request.GET.get("app_label") == "articles"
            and request.GET.get("model_name") == "article"
            and request.GET.get("field_name") == "author"
            and request.user.has_perm("articles.change_article")
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or (
            obj is None and self._is_author_search(request)
        )

    def get_search_fields(self, request):
        if self._is_author_search(request):
            return ["username", "display_name", "first_name", "last_name"]
        return super().get_search_fields(request)

    def get_search_results(self, request, queryset, search_term):
        if self._is_author_search(request):
            queryset = queryset.filter(is_staff=True, is_active=True)
        return super().get_search_results(request, queryset, search_term)

    # An account with rights the requester lacks is theirs to look at, not to
    # change: no password, email, reset, deactivation or deletion.

    def has_change_permission(self, request, obj=None):
        if obj is not None and not roles.may_manage(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not roles.may_manage(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change and not roles.may_manage(request.user, obj):
            raise PermissionDenied
        if not request.user.is_superuser:
            # Belt and braces: the field is not on the form, but keep it so.
            obj.is_superuser = (
                User.objects.filter(pk=obj.pk, is_superuser=True).exists()
                if obj.pk
                else False
            )
        super().save_model(request, obj, form, change)

    def _managed(self, request, queryset) -> list[User]:
        """The selected users the requester may change, never themselves."""
        return [
            user
            for user in queryset.exclude(pk=request.user.pk)
            if roles.may_manage(request.user, user)
        ]

    @admin.action(description=_("Activate selected users"), permissions=["change"])
    def activate(self, request, queryset):
        users = self._managed(request, queryset)
        count = User.objects.filter(pk__in=[u.pk for u in users]).update(is_active=True)
        self.message_user(
            request,
            ngettext("%d user activated.", "%d users activated.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Deactivate selected users"), permissions=["change"])
    def deactivate(self, request, queryset):
        users = self._managed(request, queryset)
        count = User.objects.filter(pk__in=[u.pk for u in users]).update(
            is_active=False
        )
        self.message_user(
            request,
            ngettext("%d user deactivated.", "%d users deactivated.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Send password-reset email to selected users"),
        permissions=["change"],
    )
    def send_password_reset(self, request, queryset):
        users = [u for u in self._managed(request, queryset) if u.email and u.is_active]
        for user in users:
            emails.send_password_reset(user=user)
        self.message_user(
            request,
            ngettext(
                "Password-reset email sent to %d user.",
                "Password-reset email sent to %d users.",
                len(users),
            )
            % len(users),
            messages.SUCCESS,
        )


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    """Axes' failed sign-ins; deleting an entry lifts its lock-out.

    Only for accounts the requester may manage: an operator lifting the lock on
    an Editor's account could otherwise keep guessing its password.
    """

    def _account(self, obj) -> User | None:
        return User.objects.filter(username__iexact=obj.username or "").first()

    def has_delete_permission(self, request, obj=None):
        if obj is not None:
            account = self._account(obj)
            if account is not None and not roles.may_manage(request.user, account):
                return False
        return super().has_delete_permission(request, obj)


def role_summary(names, is_superuser: bool) -> str:
    """The roles `names` and the superuser flag give, as one line for the audit log."""
    names = sorted(names)
    if is_superuser:
        names.insert(0, "Superuser")
    return ", ".join(names)
