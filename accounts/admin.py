from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User

ROLE_GROUPS = ("Author", "Editor", "Site operator")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
    readonly_fields = ["last_login", "date_joined"]
    actions = ["activate", "deactivate", "send_password_reset"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Profile"),
            {"fields": ["display_name", "email", "email_verified_at", "bio", "avatar"]},
        ),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
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
                "fields": [
                    "username",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    # Operators (staff who are not superusers) manage readers and roles, but
    # can never create or touch a superuser, nor widen their own rights.

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
        if not request.user.is_superuser and obj is not None and obj == request.user:
            readonly += ["is_active", "is_staff", "groups"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            from django.contrib.auth.models import Group

            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            # Belt and braces: the field is not on the form, but keep it so.
            obj.is_superuser = (
                User.objects.filter(pk=obj.pk, is_superuser=True).exists()
                if obj.pk
                else False
            )
        super().save_model(request, obj, form, change)

    def _managed(self, request, queryset):
        """The selected users the requester may change (never superusers for operators)."""
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        return queryset

    @admin.action(description=_("Activate selected users"), permissions=["change"])
    def activate(self, request, queryset):
        count = self._managed(request, queryset).update(is_active=True)
        self.message_user(
            request,
            ngettext("%d user activated.", "%d users activated.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Deactivate selected users"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = (
            self._managed(request, queryset)
            .exclude(pk=request.user.pk)
            .update(is_active=False)
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
        sent = 0
        for user in self._managed(request, queryset).exclude(email=""):
            form = PasswordResetForm({"email": user.email})
            if form.is_valid():
                form.save(
                    request=request,
                    use_https=request.is_secure(),
                    subject_template_name="accounts/email/password_reset_subject.txt",
                    email_template_name="accounts/email/password_reset.txt",
                )
                sent += 1
        self.message_user(
            request,
            ngettext(
                "Password-reset email sent to %d user.",
                "Password-reset email sent to %d users.",
                sent,
            )
            % sent,
            messages.SUCCESS,
        )
