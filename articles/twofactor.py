"""The desk's second-factor pages: enrol an authenticator app, verify a code, backup codes.

Devices, their throttling counters (django-otp doubles the wait after each wrong code) and
the verified state (a device id in the database-backed session) all live in the database.
"""

import base64
from datetime import timedelta

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.admin import site as admin_site
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import CompleteCredentialAuthenticationView

from . import audit
from .models import AuditEntry
from .signin import has_second_factor, redirect_with_next, second_factor_required

BACKUP_CODE_COUNT = 10
Action = AuditEntry.Action


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        help_text=gettext_lazy("The 6 digits your authenticator app shows, or a backup code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


def next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def page(request, template, **context):
    context = {**admin_site.each_context(request), "next": next_url(request), **context}
    return render(request, template, context)


def throttled_until(devices):
    """The latest moment until which one of `devices` refuses codes, or None."""
    waits = [
        info["locked_until"]
        for allowed, info in (device.verify_is_allowed() for device in devices)
        if not allowed and info and "locked_until" in info
    ]
    return max(waits) if waits else None


def throttled_message(until):
    return _("Too many wrong codes. Wait until %(time)s, then try again.") % {
        "time": formats.time_format(timezone.localtime(until), "TIME_FORMAT")
    }


def devices_for_code(devices, code):
    """Apps show 6 digits, backup codes have letters: try only the kind the code can be, so
    that using a backup code does not count as a wrong app code (and vice versa)."""
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return [device for device in devices if isinstance(device, kind)]


def wrong_code_message(devices):
    """After a typo, just say so; once the wait grows noticeable, say until when."""
    until = throttled_until(devices)
    if until and until - timezone.now() > timedelta(seconds=5):
        return throttled_message(until)
    return _("That code is not right. Try again.")


def check_code(devices, code):
    """The device that accepts `code`; each refusal counts against the device's throttle."""
    with transaction.atomic():
        for device in devices:
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                return locked
    return None


@never_cache
@login_required
def verify(request):
    user = request.user
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        return redirect_with_next("signin:enrol", request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        candidates = devices_for_code(devices, form.cleaned_data["code"])
        until = throttled_until(candidates)
        if until:
            form.add_error("code", throttled_message(until))
        elif device := check_code(candidates, form.cleaned_data["code"]):
            otp_login(request, device)
            audit.record(Action.SECOND_FACTOR_VERIFIED, detail=device.name)
            return redirect(next_url(request))
        else:
            audit.record(Action.SECOND_FACTOR_FAILED)
            form.add_error("code", wrong_code_message(candidates))
    return page(
        request, "admin/signin/verify.html", form=form, title=_("Second factor"),
        has_passkey=any(isinstance(device, WebAuthnCredential) for device in devices),
        has_app=any(isinstance(device, TOTPDevice) for device in devices),
        has_backup_codes=any(isinstance(device, StaticDevice) for device in devices),
    )


@never_cache
@login_required
def enrol(request):
    user = request.user
    if has_second_factor(user) and not user.is_verified():
        # A stolen password alone must not add a device next to the owner's.
        return redirect_with_next("signin:verify", request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        until = throttled_until([device])
        if until:
            form.add_error("code", throttled_message(until))
        elif check_code([device], form.cleaned_data["code"]):
            device.refresh_from_db()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(Action.SECOND_FACTOR_ADDED, target=audit.describe(user),
                         detail=device.name)
            return page(
                request, "admin/signin/backup_codes.html",
                codes=new_backup_codes(user), title=_("Your backup codes"),
            )
        else:
            form.add_error("code", _("That code is not right. Check your app's clock and the "
                                     "account you added, then try the next code."))
    return page(
        request,
        "admin/signin/enrol.html",
        form=form,
        title=_("Set up two-factor sign-in"),
        required=second_factor_required(user),
        qr_code=qr_svg(device.config_url),
        secret=grouped(base64.b32encode(device.bin_key).decode()),
    )


@never_cache
@login_required
def overview(request):
    """Where anyone signed in sees their second factors, adds one, or renews backup codes."""
    user = request.user
    if has_second_factor(user) and not user.is_verified():
        return redirect_with_next("signin:verify", request)
    if request.method == "POST" and has_second_factor(user):
        return page(
            request, "admin/signin/backup_codes.html",
            codes=new_backup_codes(user), title=_("Your backup codes"),
        )
    backup = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return page(
        request,
        "admin/signin/overview.html",
        title=_("Two-factor sign-in"),
        apps=TOTPDevice.objects.filter(user=user, confirmed=True),
        passkeys=WebAuthnCredential.objects.filter(user=user, confirmed=True),
        backup_codes_left=backup.token_set.count() if backup else 0,
        required=second_factor_required(user),
    )


def new_backup_codes(user):
    """Replace the user's backup codes with fresh ones and return them (shown once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _index in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def passkey_domain(request):
    """Passkeys belong to the host name the desk is served on (Django checked it against
    ALLOWED_HOSTS)."""
    domain, _port = split_domain_port(request.get_host())
    return domain


class PasskeyHelper(WebAuthnHelper):
    def get_allowed_origins(self):
        # The origin the browser signs must be the page it was on: a look-alike site relaying
        # to us shows its own origin and is refused.
        return [f"{self.request.scheme}://{self.request.get_host()}"]


def qr_svg(text):
    """The QR code as inline SVG, made here: the secret never leaves for a QR service."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    # The SVG is generated by the qrcode library from our own data; nothing user-written.
    return mark_safe(image.to_string(encoding="unicode"))


def grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


urlpatterns = [
    path("", overview, name="overview"),
    path("verify/", verify, name="verify"),
    path("enrol/", enrol, name="enrol"),
]


class AuditedPasskeyVerification(CompleteCredentialAuthenticationView):
    """The library's passkey check, with its outcome in the audit log as a code's is.

    The library marks the session verified itself, past our verify view, so without this a
    passkey verification would leave no trace.
    """

    def complete_auth(self, device):
        result = super().complete_auth(device)
        audit.record(Action.SECOND_FACTOR_VERIFIED, detail=f"passkey: {device.name}")
        return result

    def handle_exception(self, exc):
        response = super().handle_exception(exc)  # the library's refusals; others re-raise
        audit.record(Action.SECOND_FACTOR_FAILED, detail="passkey")
        return response
