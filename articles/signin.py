"""Who needs a second factor at the desk, the gate that enforces it, and the lockout page.

The second factor comes from django-otp (TOTP apps and backup codes); failed passwords are
counted by django-axes. Both keep their state in the database, so any app server behind the
load balancer sees the same devices, verifications and counters.
"""

import ipaddress

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db.models import Max, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from .demo.content import USERS as DEMO_USERS

# Whoever may publish, withdraw or hand out rights can do front-page damage with a stolen
# password: these people cannot use the desk without a second factor.
SECOND_FACTOR_PERMISSIONS = (
    "articles.publish_article",
    "articles.withdraw_article",
    "auth.change_user",
    "auth.change_group",
)
DEMO_USERNAMES = frozenset(user.username for user in DEMO_USERS)


def client_ip(request):
    """The client's address: the connecting one, or the one our trusted proxies saw.

    Each trusted proxy appends the address it was connected from to X-Forwarded-For, so the
    client is the entry TRUSTED_PROXY_COUNT places from the end; anything before it may be
    forged by the client.
    """
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    count = settings.TRUSTED_PROXY_COUNT
    if count and len(forwarded) >= count:
        # Only a well-formed address: it is stored in IP address columns (audit log, lockouts),
        # and a proxy that appends "ip:port" or a miscounted chain must not break sign-in.
        address = valid_ip(forwarded[-count])
        if address:
            return address
    return request.META.get("REMOTE_ADDR")


def valid_ip(text):
    """`text` as an IP address (a port or brackets around IPv6 removed), or None."""
    candidates = [text, text.rsplit(":", 1)[0], text.removeprefix("[").split("]")[0]]
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def second_factor_required(user):
    if not settings.DESK_2FA_REQUIRED and user.username in DEMO_USERNAMES:
        return False  # settings refuse DESK_2FA_REQUIRED=false unless DEBUG is on
    return user.is_superuser or any(user.has_perm(perm) for perm in SECOND_FACTOR_PERMISSIONS)


def has_second_factor(user):
    return user_has_device(user, confirmed=True)


def is_gated(path_info):
    """Desk pages need the second factor; signing in, out and the 2FA pages themselves don't.

    Takes the path within the site (request.path_info): served under a prefix (SCRIPT_NAME),
    the full path would not start with /admin/ and the gate would stay open.
    """
    if not path_info.startswith("/admin/"):
        return False
    prefix = get_script_prefix()  # reverse() includes it; path_info does not
    open_paths = tuple(
        "/" + reverse(name).removeprefix(prefix)
        for name in ("admin:login", "admin:logout", "admin:jsi18n")
    )
    return not path_info.startswith((*open_paths, "/admin/2fa/"))


class SecondFactorMiddleware:
    """Send a signed-in user who still owes a second factor to verify it, or to enrol one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: touching request.user reads the session, and a public page that
        # did so would vary on the cookie and miss the page cache.
        if not is_gated(request.path_info):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and not user.is_verified():
            if has_second_factor(user):
                return redirect_with_next("signin:verify", request)
            if second_factor_required(user):
                return redirect_with_next("signin:enrol", request)
        return self.get_response(request)


def redirect_with_next(view_name, request):
    return redirect(f"{reverse(view_name)}?{urlencode({'next': request.get_full_path()})}")


def lockout_ends(request, credentials):
    """When the lockout lifts: a cool-off after the last counted failure (refused tries
    while locked out are not counted, so they do not prolong it)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    last_failure = AccessAttempt.objects.filter(
        Q(username=username) | Q(ip_address=client_ip(request))
    ).aggregate(last=Max("attempt_time"))["last"]
    return (last_failure or timezone.now()) + settings.AXES_COOLOFF_TIME


def lockout_response(request, response, credentials):
    """The admin login page again, saying why the sign-in was refused and when to retry."""
    retry_at = timezone.localtime(lockout_ends(request, credentials))
    message = _(
        "Too many failed sign-ins for this username or from this address. For your safety, "
        "sign-in is blocked until %(time)s; try again then. Nothing else is needed."
    ) % {"time": formats.time_format(retry_at, "TIME_FORMAT")}
    context = {
        **admin.site.each_context(request),
        "title": _("Log in"),
        "app_path": request.get_full_path(),
        "form": AdminAuthenticationForm(request, initial=credentials or {}),
        "lockout_message": message,
    }
    return TemplateResponse(request, "admin/login.html", context, status=429).render()
