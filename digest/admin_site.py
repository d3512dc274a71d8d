"""The admin site: staff sign in with a password and, once enrolled, an authenticator code.

With OTP_REQUIRED_FOR_STAFF on, the admin refuses every staff account that has not
verified a code in this session; one without a device is sent to enrol (TOTP in an
authenticator app, plus ten one-time recovery codes).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


class TwoFactorAuthenticationForm(OTPAdminAuthenticationForm):
    """Password for everyone; a code (TOTP or recovery) too once a device is confirmed."""

    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        "inactive": _(
            "This account has been deactivated. If you think that is a mistake, "
            "please contact the site's team."
        ),
    }
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": _("Enter the code from your authenticator app."),
        "invalid_token": _("That code is not valid. Please try again."),
    }

    def _chosen_device(self, user):
        """Without a choice, the code's shape picks the device: digits are the app's.

        Trying the code on every device would count a failure (and a throttle)
        against each one it does not match.
        """
        device = super()._chosen_device(user)
        if device is not None:
            return device
        token = (self.cleaned_data.get("otp_token") or "").strip()
        model = TOTPDevice if token.isascii() and token.isdigit() else StaticDevice
        return (
            model.objects.select_for_update().filter(user=user, confirmed=True).first()
        )

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            self.clean_otp(user)
        return self.cleaned_data


def never_cache_csrf(view):
    return method_decorator(never_cache)(method_decorator(csrf_protect)(view))


def otp_required() -> bool:
    return getattr(settings, "OTP_REQUIRED_FOR_STAFF", False)


class DigestAdminSite(admin.AdminSite):
    login_form = TwoFactorAuthenticationForm
    login_template = "otp/admin111/login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return request.user.is_verified() or not otp_required()

    @never_cache_csrf
    def login(self, request, extra_context=None):
        user = request.user
        if (
            request.method == "GET"
            and user.is_active
            and user.is_staff
            and otp_required()
            and not user.is_verified()
            and not user_has_device(user, confirmed=True)
        ):
            return redirect("admin:two_factor_setup")
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("two-factor/", self.two_factor_setup, name="two_factor_setup"),
            *super().get_urls(),
        ]

    @never_cache_csrf
    def two_factor_setup(self, request):
        """Enrol an authenticator app: show its key, confirm one code, hand out recovery codes."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return redirect(
                f"{reverse('admin:login')}?{REDIRECT_FIELD_NAME}={request.path}"
            )
        if user_has_device(user, confirmed=True) and not user.is_verified():
            return redirect("admin:login")
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="Authenticator app", confirmed=False
            )
        context = {
            **self.each_context(request),
            "title": _("Two-factor sign-in"),
            "device": device,
            "secret": _base32(device.bin_key),
            "config_url": device.config_url,
            "already_enrolled": user_has_device(user, confirmed=True),
            "error": "",
        }
        if request.method == "POST":
            token = request.POST.get("otp_token", "").strip().replace(" ", "")
            if token.isascii() and token.isdigit() and device.verify_token(token):
                codes = confirm_device(device=device)
                otp_login(request, device)
                context |= {"recovery_codes": codes}
                return TemplateResponse(request, "admin/two_factor_done.html", context)
            context["error"] = _("That code is not valid. Please try again.")
        return TemplateResponse(request, "admin/two_factor_setup.html", context)


@transaction.atomic
def confirm_device(*, device: TOTPDevice) -> list[str]:
    """Confirm `device` and replace the user's recovery codes; return the new codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    static, _created = StaticDevice.objects.get_or_create(
        user=device.user, name="Recovery codes", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=static, token=code) for code in codes
    )
    return codes


def _base32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode()
