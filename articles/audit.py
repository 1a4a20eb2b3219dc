"""The audit log: sign-ins, second factors, lockouts, workflow transitions, permission
changes and deletions, written as `AuditEntry` rows that chief editors read in the admin.

Sign-ins and model changes arrive as Django's (and django-axes') signals, which carry no
request: `AuditContextMiddleware` remembers the current one so that an entry can say who did
it and from which address. Our own flows (workflow transitions, 2FA pages) call `record()`.
"""

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.translation import gettext as _

from .models import Article, ArticleUpdate, AuditEntry, Author, Image, Section, Video

Action = AuditEntry.Action
_current_request = ContextVar("audit_request", default=None)

# The flags on a user that grant (or take away) access to the desk.
USER_FLAGS = ("is_active", "is_staff", "is_superuser")


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def describe(obj):
    return f"{obj._meta.verbose_name} “{obj}” (#{obj.pk})"


def record(action, *, user=None, username=None, target="", detail="", request=None):
    """Write one audit entry; who and from where default to the current request's."""
    from .signin import client_ip

    request = request or _current_request.get()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    return AuditEntry.objects.create(
        action=action,
        user=user,
        username=username if username is not None else (user.get_username() if user else ""),
        ip_address=client_ip(request) if request is not None else None,
        target=str(target)[:300],
        detail=detail,
    )


def signed_in(sender, request, user, **kwargs):
    record(Action.SIGN_IN, user=user, request=request)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    account = get_user_model().objects.filter(username=username).first()
    record(Action.SIGN_IN_FAILED, user=account, username=username, request=request)


def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(Action.SIGN_OUT, user=user, request=request)


def locked_out(sender, request, username, ip_address, **kwargs):
    account = get_user_model().objects.filter(username=username).first()
    record(
        Action.LOCKED_OUT,
        user=account,
        username=username or "",
        request=request,
        detail=_("Too many failed sign-ins for this username or from %(ip)s.")
        % {"ip": ip_address},
    )


def remember_user_flags(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields and not set(update_fields) & set(USER_FLAGS)):
        instance._audit_flags = None
        return
    instance._audit_flags = (
        type(instance).objects.filter(pk=instance.pk).values(*USER_FLAGS).first()
    )


def user_flags_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_flags", None)
    if created:
        before = dict.fromkeys(USER_FLAGS, False) | {"is_active": True}
    if before is None:
        return
    changes = [
        f"{instance._meta.get_field(flag).verbose_name}: "
        f"{yes_no(before[flag])} → {yes_no(getattr(instance, flag))}"
        for flag in USER_FLAGS
        if before[flag] != getattr(instance, flag)
    ]
    if changes:
        record(Action.PERMISSIONS, target=describe(instance), detail="; ".join(changes))


def yes_no(value):
    return _("yes") if value else _("no")


def relation_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Group memberships, user permissions and group permissions, from either side."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    source, target, label = permission_relations()[sender]
    if action == "pre_clear":
        this_side, other_side = (target, source) if reverse else (source, target)
        pk_set = set(
            sender.objects.filter(**{this_side: instance.pk}).values_list(
                f"{other_side}_id", flat=True
            )
        )
    if not pk_set:
        return
    verb = _("added") if action == "post_add" else _("removed")
    changed = list(model.objects.filter(pk__in=pk_set))
    if reverse:  # e.g. group.user_set.add(user): the entry belongs to each user
        for owner in changed:
            record(Action.PERMISSIONS, target=describe(owner),
                   detail=f"{label} {verb}: {instance}")
    else:
        names = ", ".join(sorted(str(obj) for obj in changed))
        record(Action.PERMISSIONS, target=describe(instance), detail=f"{label} {verb}: {names}")


def permission_relations():
    User = get_user_model()
    return {
        User.groups.through: ("user", "group", _("groups")),
        User.user_permissions.through: ("user", "permission", _("user permissions")),
        Group.permissions.through: ("group", "permission", _("group permissions")),
    }


def deleted(sender, instance, **kwargs):
    record(Action.DELETION, target=describe(instance))


def second_factor_removed(sender, instance, **kwargs):
    if instance.confirmed:
        record(
            Action.SECOND_FACTOR_REMOVED,
            target=describe(instance.user),
            detail=f"{instance._meta.verbose_name} “{instance.name}”",
        )


def passkey_added(sender, instance, created, **kwargs):
    if created and instance.confirmed:
        record(
            Action.SECOND_FACTOR_ADDED,
            target=describe(instance.user),
            detail=f"{instance._meta.verbose_name} “{instance.name}”",
        )


def deletion_tracked_models():
    from taggit.models import Tag

    return [Article, ArticleUpdate, Image, Section, Author, Video, Tag, Group, get_user_model()]


def connect():
    """Hook the receivers up; called once from the app's ready()."""
    from axes.signals import user_locked_out
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    user_logged_in.connect(signed_in, dispatch_uid="audit_sign_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit_sign_in_failed")
    user_logged_out.connect(signed_out, dispatch_uid="audit_sign_out")
    user_locked_out.connect(locked_out, dispatch_uid="audit_locked_out")
    User = get_user_model()
    pre_save.connect(remember_user_flags, sender=User, dispatch_uid="audit_user_flags_before")
    post_save.connect(user_flags_changed, sender=User, dispatch_uid="audit_user_flags")
    for through in permission_relations():
        m2m_changed.connect(relation_changed, sender=through, dispatch_uid=f"audit_{through}")
    for model in deletion_tracked_models():
        post_delete.connect(deleted, sender=model, dispatch_uid=f"audit_delete_{model}")
    post_save.connect(passkey_added, sender=WebAuthnCredential, dispatch_uid="audit_passkey")
    for device_model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        post_delete.connect(
            second_factor_removed, sender=device_model, dispatch_uid=f"audit_2fa_{device_model}"
        )
