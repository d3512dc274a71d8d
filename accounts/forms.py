from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.avatars import process_avatar
from accounts.models import User
from digest.timezones import time_zone_choices


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    remember = forms.BooleanField(label=_("Remember me"), required=False)

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct email or username and password. "
            "Note that the password is case-sensitive."
        ),
        "inactive": _(
            "This account has been deactivated. If you think that is a mistake, "
            "please contact the site's team."
        ),
        "unconfirmed": _(
            "Please confirm your email address first: open the link we emailed "
            "you when you signed up."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.email_verified_at is None and not user.is_staff:
            raise ValidationError(
                self.error_messages["unconfirmed"], code="unconfirmed"
            )


class SignupForm(forms.Form):
    """A new reader's details. Not a ModelForm: the email constraint it would check
    tells whether an address has an account (lifecycle.sign_up decides quietly)."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password confirmation"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).strip()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                ValidationError(
                    _("The two password fields didn’t match."), code="mismatch"
                ),
            )
        elif password2:
            # Checked against the details given, as for the account it makes.
            candidate = User(
                email=cleaned.get("email", ""),
                display_name=cleaned.get("display_name", ""),
            )
            try:
                password_validation.validate_password(password2, candidate)
            except ValidationError as error:
                self.add_error("password2", error)
        return cleaned


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class TimeZoneField(forms.ChoiceField):
    """A pick of the IANA zones, the newsroom's first."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault(
            "help_text", _("The admin shows and takes times in this zone.")
        )
        super().__init__(choices=time_zone_choices, required=False, **kwargs)


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = ["display_name", "bio", "avatar", "time_zone"]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "avatar": forms.ClearableFileInput(attrs={"accept": "image/*"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_staff:  # readers see the site's times only
            del self.fields["time_zone"]

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar and hasattr(avatar, "content_type"):  # a new upload
            return process_avatar(avatar)
        return avatar


class PasswordConfirmForm(forms.Form):
    """Asks for the signed-in user's current password."""

    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(
                _("Your password was entered incorrectly."), code="wrong_password"
            )
        return password


class EmailChangeForm(PasswordConfirmForm):
    new_email = forms.EmailField(label=_("New email address"), max_length=254)

    field_order = ["new_email", "password"]

    def clean_new_email(self):
        email = User.objects.normalize_email(self.cleaned_data["new_email"]).strip()
        if email.lower() == self.user.email.lower():
            raise ValidationError(
                _("This is already your email address."), code="same_email"
            )
        return email
