"""Attacks on sign-in: a colleague's second factors, password-only sessions, passkeys, the
audit log and the lockout admin.

Each role tries every route of the device, audit and lockout admins. A refused attempt answers
403 (or the admin's redirect to a page that answers 403), shows no secret and leaves every
table as it was. Only superusers manage devices and lockouts, and even they never see a
device's secret; chief editors read the audit log and cannot change it.
"""

import base64
import json
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from articles.models import AuditEntry
from tests.conftest import ROLES, current_code, enrolled_device, make_user, password_only_login
from tests.security_support import (
    SIGNIN_MODELS,
    SNAPSHOT_MODELS,
    admin_url_patterns,
    assert_inert_html,
    database_snapshot,
    payload,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
ATTACKERS = ["reporter", "editor", "chief"]
EVERY_TABLE = SNAPSHOT_MODELS + SIGNIN_MODELS


class Factors:
    """Vera's second factors: an app, backup codes and a passkey, and what would give them
    away (her TOTP secret in hex and base32, her backup codes, her passkey's public key)."""

    def __init__(self, user):
        self.user = user
        self.totp = TOTPDevice.objects.create(user=user, name="Vera's phone", confirmed=True)
        self.static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
        self.codes = [self.static.token_set.create(token=f"vera{n}code").token for n in range(3)]
        self.passkey = WebAuthnCredential.objects.create(
            user=user, name="Vera's key", confirmed=True,
            credential_id=b"vera-credential-id", public_key=b"vera-public-key-bytes",
        )
        self.secrets = [
            self.totp.key,
            base64.b32encode(self.totp.bin_key).decode(),
            *self.codes,
            b"vera-public-key-bytes".hex(),
        ]

    def assert_not_in(self, text, where):
        for secret in self.secrets:
            assert secret not in text, (where, secret)


@pytest.fixture
def vera(db):
    return make_user("vera", ROLES["editor"], first_name="Vera", last_name="Victim")


@pytest.fixture
def factors(vera):
    return Factors(vera)


def attacker(request, role, client):
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


# Device admins: (route, method, request builder); a builder gets Vera's factors and the
# attacker and returns (url, data).
DEVICE_MODELS = {
    "otp_totp_totpdevice": ("otp_totp/totpdevice", "totp"),
    "otp_static_staticdevice": ("otp_static/staticdevice", "static"),
    "django_otp_webauthn_webauthncredential": ("django_otp_webauthn/webauthncredential",
                                               "passkey"),
}


def model_admin_attempts(route_prefix, base, target, change_data):
    """Every standard admin route of one model, aimed at `target(factors)`."""

    def obj_url(rest=""):
        return lambda f, who: (f"/admin/{base}/{target(f).pk}/{rest}", None)

    return [
        (f"{route_prefix}_changelist", "get", lambda f, who: (f"/admin/{base}/", None)),
        (f"{route_prefix}_changelist", "get (search)", lambda f, who: (
            f"/admin/{base}/?q=vera", None)),
        (f"{route_prefix}_changelist", "post (delete_selected)", lambda f, who: (
            f"/admin/{base}/",
            {"action": "delete_selected", "_selected_action": [target(f).pk], "post": "yes"},
        )),
        (f"{route_prefix}_add", "get", lambda f, who: (f"/admin/{base}/add/", None)),
        (f"{route_prefix}_add", "post", lambda f, who: (
            f"/admin/{base}/add/", change_data(f, who))),
        (f"{route_prefix}_change", "get", obj_url("change/")),
        (f"{route_prefix}_change", "post (take it over)", lambda f, who: (
            f"/admin/{base}/{target(f).pk}/change/", change_data(f, who))),
        (f"{route_prefix}_delete", "get", obj_url("delete/")),
        (f"{route_prefix}_delete", "post", lambda f, who: (
            f"/admin/{base}/{target(f).pk}/delete/", {"post": "yes"})),
        (f"{route_prefix}_history", "get", obj_url("history/")),
        (f"admin/{base}/<path:object_id>/", "get", obj_url()),
    ]


def device_takeover(f, who):
    """The device form, pointing at the attacker: a working second factor for their account."""
    return {"user": who.pk, "name": "Mine now", "confirmed": "on", "key": f.totp.key,
            "step": 30, "t0": 0, "digits": 6, "tolerance": 1, "drift": 0,
            "throttling_failure_count": 0, "token_set-TOTAL_FORMS": 0,
            "token_set-INITIAL_FORMS": 0}


DEVICE_ATTEMPTS = [
    attempt
    for route_prefix, (base, attr) in DEVICE_MODELS.items()
    for attempt in model_admin_attempts(
        route_prefix, base, lambda f, attr=attr: getattr(f, attr), device_takeover
    )
] + [
    ("otp_totp_totpdevice_config", "get", lambda f, who: (
        f"/admin/otp_totp/totpdevice/{f.totp.pk}/config/", None)),
    ("otp_totp_totpdevice_qrcode", "get", lambda f, who: (
        f"/admin/otp_totp/totpdevice/{f.totp.pk}/qrcode/", None)),
    ("otp_totp_totpdevice_config", "get (no such device)", lambda f, who: (
        "/admin/otp_totp/totpdevice/987654/config/", None)),
]


def send(client, method, url, data):
    return client.get(url) if method.startswith("get") else client.post(url, data)


def assert_refused(client, response):
    """403, or the admin's redirect from an object's bare address to a page that is 403."""
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 403, response.status_code
    return response


@pytest.mark.parametrize("role", ATTACKERS)
@pytest.mark.parametrize(
    ("route", "method", "build"), DEVICE_ATTEMPTS, ids=[f"{r}-{m}" for r, m, _ in DEVICE_ATTEMPTS]
)
def test_desk_roles_cannot_see_or_touch_a_colleagues_second_factor(
    client, request, factors, role, route, method, build
):
    who = attacker(request, role, client)
    url, data = build(factors, who)
    before = database_snapshot(EVERY_TABLE)

    response = assert_refused(client, send(client, method, url, data))

    factors.assert_not_in(response.content.decode(), url)
    assert database_snapshot(EVERY_TABLE) == before


def test_superuser_manages_devices_but_never_sees_a_secret(client, superuser, factors):
    """A colleague lost a phone: a superuser sees the devices and removes them (README)."""
    client.force_login(superuser)
    for base, attr in DEVICE_MODELS.values():
        device = getattr(factors, attr)
        for url in (f"/admin/{base}/", f"/admin/{base}/{device.pk}/change/",
                    f"/admin/{base}/{device.pk}/delete/"):
            response = client.get(url)
            assert response.status_code == 200, url
            factors.assert_not_in(response.content.decode(), url)
    for view in ("config", "qrcode"):
        response = client.get(f"/admin/otp_totp/totpdevice/{factors.totp.pk}/{view}/")
        assert response.status_code == 403, view
        factors.assert_not_in(response.content.decode(), view)

    for base, attr in DEVICE_MODELS.values():
        response = client.post(f"/admin/{base}/{getattr(factors, attr).pk}/delete/",
                               {"post": "yes"})
        assert response.status_code == 302, base
    assert not TOTPDevice.objects.filter(user=factors.user).exists()
    assert not StaticDevice.objects.filter(user=factors.user).exists()
    assert not WebAuthnCredential.objects.filter(user=factors.user).exists()
    removed = AuditEntry.objects.filter(action="2fa_removed", user=superuser)
    assert removed.count() == 3


# The user's own 2FA pages


def factors_of(user):
    """Every device row of `user`, and the codes of their backup-code devices."""
    rows = {model.__name__: list(model.objects.filter(user=user).order_by("pk").values())
            for model in (TOTPDevice, StaticDevice, WebAuthnCredential)}
    rows["codes"] = sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    return rows


def test_own_2fa_pages_ignore_another_users_id(client, editor, factors):
    vera = factors.user
    client.force_login(editor)
    foreign = {"user": vera.pk, "user_id": vera.pk, "username": "vera",
               "device": factors.totp.pk, "device_id": factors.totp.persistent_id}
    vera_before = factors_of(vera)

    overview = client.get(reverse("signin:overview"), foreign)
    assert overview.status_code == 200
    assert "Vera" not in overview.content.decode()
    factors.assert_not_in(overview.content.decode(), "overview")

    enrol = client.get(reverse("signin:enrol"), foreign)
    assert enrol.status_code == 200
    factors.assert_not_in(enrol.content.decode(), "enrol")
    assert TOTPDevice.objects.get(confirmed=False).user == editor

    codes = client.post(reverse("signin:overview"), foreign)
    assert codes.status_code == 200
    assert sorted(codes.context["codes"]) == factors_of(editor)["codes"]

    wrong = client.post(reverse("signin:enrol"), foreign | {"code": current_code(factors.totp)})
    assert "That code is not right" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).count() == 1
    assert factors_of(vera) == vera_before


def test_verify_accepts_only_the_signed_in_users_own_codes(client, editor, factors):
    """Vera's code or backup code does not verify Edith's session, whatever ids come along."""
    enrolled_device(editor)
    password_only_login(client, editor)
    foreign = {"user": factors.user.pk, "device_id": factors.totp.persistent_id,
               "next": "/admin/"}
    for code in (current_code(factors.totp), factors.codes[0]):
        response = client.post(reverse("signin:verify"), foreign | {"code": code})
        assert response.status_code == 200
        assert "That code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert list(StaticToken.objects.filter(device=factors.static).values_list(
        "token", flat=True)) == factors.codes


# A password-only session


OPEN_TO_PASSWORD_ONLY = {
    # Signing in and out, and the admin's translation catalogue (no data).
    "login", "logout", "jsi18n",
    # The second-factor pages; each is attacked in the tests below.
    "overview", "verify", "enrol", "credential-registration-begin",
    "credential-registration-complete", "credential-authentication-begin",
    "credential-authentication-complete", "js-i18n-catalog",
}


def concrete(pattern):
    """A path for an admin URL pattern (path() or re_path()), with "1" for every parameter."""
    path = "/" + re.sub(r"<[^>]+>|\([^()]*\)", "1", pattern).replace("^", "").replace("$", "")
    assert not set(path) & set("<>()?$"), path
    return path


def gated_routes():
    return sorted(
        (name or pattern, concrete(pattern))
        for pattern, name in admin_url_patterns()
        if name not in OPEN_TO_PASSWORD_ONLY
    )


@pytest.mark.parametrize("enrolled", [True, False], ids=["enrolled", "not yet enrolled"])
def test_password_only_editor_reaches_no_desk_route(client, editor, enrolled):
    if enrolled:
        enrolled_device(editor)
    password_only_login(client, editor)
    second_factor_page = reverse("signin:verify" if enrolled else "signin:enrol")
    before = database_snapshot(EVERY_TABLE)
    for name, path in gated_routes():
        for method in ("get", "post"):
            response = getattr(client, method)(path, {"post": "yes", "action": "delete_selected"})
            assert response.status_code == 302, (name, method, response.status_code)
            assert response["Location"].startswith(second_factor_page + "?next="), (name, path)
    assert database_snapshot(EVERY_TABLE) == before


def test_password_only_editor_gets_only_the_second_factor_pages(client, editor):
    enrolled_device(editor)
    password_only_login(client, editor)
    before = database_snapshot(EVERY_TABLE)

    assert client.get(reverse("signin:verify")).status_code == 200
    for name in ("signin:enrol", "signin:overview"):
        for method in ("get", "post"):
            response = getattr(client, method)(reverse(name))
            assert response.status_code == 302, (name, method)
            assert response["Location"].startswith(reverse("signin:verify"))
    for name in ("credential-registration-begin", "credential-registration-complete"):
        assert client.post(reverse(f"otp_webauthn:{name}")).status_code == 403, name
    # Passkeys are a way to verify; finishing without a real ceremony verifies nothing.
    begin = client.post(reverse("otp_webauthn:credential-authentication-begin"), "{}",
                        content_type="application/json")
    assert begin.status_code == 200
    complete = client.post(reverse("otp_webauthn:credential-authentication-complete"),
                           "{}", content_type="application/json")
    assert complete.status_code in (400, 404, 422)
    # The audit log records it as a wrong second factor; that entry aside, nothing changes.
    failed = AuditEntry.objects.filter(action="2fa_failed", user=editor, detail="passkey")
    assert failed.count() == 1
    failed.delete()
    for catalogue in ("admin:jsi18n", "otp_webauthn:js-i18n-catalog"):
        response = client.get(reverse(catalogue))
        assert response.status_code == 200
        assert "javascript" in response["Content-Type"]
    assert client.get(reverse("admin:login")).status_code in (200, 302)
    assert client.get("/admin/").status_code == 302
    assert database_snapshot(EVERY_TABLE) == before

    client.post(reverse("admin:logout"))
    assert "_auth_user_id" not in client.session


# Passkeys


def registration_options(response):
    assert response.status_code == 200, response.content
    return response.json()


def test_passkey_registration_is_for_the_signed_in_user_only(client, editor, factors):
    client.force_login(editor)
    foreign = json.dumps({"user": factors.user.pk, "username": "vera", "user_id": factors.user.pk})
    options = registration_options(client.post(
        reverse("otp_webauthn:credential-registration-begin"), foreign,
        content_type="application/json"))
    assert options["user"]["name"] == "edith"
    excluded = json.dumps(options.get("excludeCredentials", []))
    vera_id = base64.urlsafe_b64encode(b"vera-credential-id").decode().rstrip("=")
    assert vera_id not in excluded


def test_passkey_registration_needs_a_session_or_a_first_enrolment(client, editor, reporter):
    begin = reverse("otp_webauthn:credential-registration-begin")
    assert Client().post(begin).status_code in (401, 403)  # nobody signed in
    first_timer = Client()
    password_only_login(first_timer, editor)  # must enrol: may make a first passkey
    assert registration_options(first_timer.post(begin))["user"]["name"] == "edith"
    enrolled_device(reporter)
    stolen_password = Client()
    password_only_login(stolen_password, reporter)
    assert stolen_password.post(begin).status_code == 403
    complete = reverse("otp_webauthn:credential-registration-complete")
    assert stolen_password.post(complete, "{}", content_type="application/json"
                                ).status_code == 403


def test_passkey_sign_in_does_not_tell_whether_a_username_exists(client, factors):
    answers = []
    for username in ("vera", "nobody-here"):
        body = json.dumps({"username": username})
        for name in ("credential-authentication-begin", "credential-authentication-complete"):
            response = Client().post(reverse(f"otp_webauthn:{name}"), body,
                                     content_type="application/json")
            answers.append((name, response.status_code, response.content))
    assert answers[:2] == answers[2:]
    assert all(status == 403 for _name, status, _content in answers)


def test_passkey_verification_offers_only_the_users_own_keys(client, editor, factors):
    enrolled_device(editor)
    password_only_login(client, editor)
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"),
                           json.dumps({"username": "vera"}), content_type="application/json")
    assert response.status_code == 200
    vera_id = base64.urlsafe_b64encode(b"vera-credential-id").decode().rstrip("=")
    assert vera_id not in response.content.decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_a_colleagues_passkey_does_not_verify_ones_own_session(client, editor, factors):
    """Edith relays an assertion made with Vera's passkey: refused before its signature is
    even checked, and her session stays unverified."""
    enrolled_device(editor)
    password_only_login(client, editor)
    client.post(reverse("otp_webauthn:credential-authentication-begin"), "{}",
                content_type="application/json")
    assertion = {
        "id": b64url(b"vera-credential-id"), "rawId": b64url(b"vera-credential-id"),
        "type": "public-key", "clientExtensionResults": {},
        "response": {"clientDataJSON": b64url(b"{}"), "authenticatorData": b64url(b"x" * 37),
                     "signature": b64url(b"signature"), "userHandle": None},
    }
    response = client.post(reverse("otp_webauthn:credential-authentication-complete"),
                           json.dumps(assertion), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "credential_user_mismatch"
    assert client.get("/admin/").status_code == 302
    assert AuditEntry.objects.filter(action="2fa_failed", user=editor, detail="passkey").exists()


# The audit log


AUDIT_ATTEMPTS = model_admin_attempts(
    "articles_auditentry", "articles/auditentry", lambda entry: entry,
    lambda entry, who: {"action": "sign_in", "username": "nobody", "detail": "Forged"},
)
AUDIT_READS = {("articles_auditentry_changelist", "get"),
               ("articles_auditentry_changelist", "get (search)"),
               ("articles_auditentry_change", "get"), ("articles_auditentry_history", "get"),
               ("admin/articles/auditentry/<path:object_id>/", "get")}


@pytest.fixture
def poisoned_entry(db):
    return AuditEntry.objects.create(
        action="sign_in_failed", username=payload("Username"), target=payload("Target"),
        detail=payload("Detail"), ip_address="198.51.100.9",
    )


@pytest.mark.parametrize("role", ATTACKERS)
@pytest.mark.parametrize(
    ("route", "method", "build"), AUDIT_ATTEMPTS, ids=[f"{r}-{m}" for r, m, _ in AUDIT_ATTEMPTS]
)
def test_only_chief_editors_read_the_audit_log_and_nobody_changes_it(
    client, request, poisoned_entry, role, route, method, build
):
    who = attacker(request, role, client)
    url, data = build(poisoned_entry, who)
    before = database_snapshot(EVERY_TABLE)

    response = send(client, method, url, data)

    if role == "chief" and (route, method) in AUDIT_READS:
        if response.status_code == 302:
            response = client.get(response["Location"])
        assert response.status_code == 200
        assert_inert_html(response.content.decode(), url)
    elif role == "chief" and method.startswith("post (delete_selected"):
        # The changelist again, saying no action was selected: chiefs have no delete action.
        assert response.status_code in (200, 302)
    else:
        assert_refused(client, response)
    assert database_snapshot(EVERY_TABLE) == before


def test_audit_list_shows_the_payload_as_text(client, chief, poisoned_entry):
    client.force_login(chief)
    page = client.get("/admin/articles/auditentry/").content.decode()
    assert "Username &quot;&gt;&lt;img src=x onerror=__xss=1&gt;" in page
    assert_inert_html(page, "audit list")


# Lockouts (django-axes)


def lock_out(username):
    stranger = Client()
    for _attempt in range(5):
        stranger.post(reverse("admin:login"), {"username": username, "password": "wrong"},
                      REMOTE_ADDR="203.0.113.66")


def can_sign_in(username):
    response = Client().post(reverse("admin:login"),
                             {"username": username, "password": PASSWORD, "next": "/admin/"},
                             REMOTE_ADDR="198.51.100.20")
    return response.status_code == 302


@pytest.fixture
def lockout(vera):
    lock_out("vera")
    where = {"username": "vera", "ip_address": "203.0.113.66", "user_agent": "",
             "http_accept": "", "path_info": "/admin/login/"}
    AccessLog.objects.create(**where)
    AccessFailureLog.objects.create(locked_out=True, **where)
    attempt = AccessAttempt.objects.get(username="vera")
    assert attempt.failures_since_start == 5
    return attempt


def axes_attempts():
    attempts = []
    for model in ("accessattempt", "accessfailurelog", "accesslog"):
        def target(attempt, model=model):
            return {"accessattempt": attempt, "accesslog": AccessLog.objects.get(),
                    "accessfailurelog": AccessFailureLog.objects.get()}[model]

        attempts += model_admin_attempts(
            f"axes_{model}", f"axes/{model}", target,
            lambda attempt, who: {"username": "vera", "failures_since_start": 0},
        )
    attempts.append(("axes_accessattempt_changelist", "post (cleanup_expired_attempts)",
                     lambda attempt, who: ("/admin/axes/accessattempt/", {
                         "action": "cleanup_expired_attempts", "_selected_action": [attempt.pk]})))
    return attempts


AXES_ATTEMPTS = axes_attempts()


@pytest.mark.parametrize("role", ATTACKERS)
@pytest.mark.parametrize(
    ("route", "method", "build"), AXES_ATTEMPTS, ids=[f"{r}-{m}" for r, m, _ in AXES_ATTEMPTS]
)
def test_only_superusers_see_or_lift_lockouts(
    client, request, lockout, role, route, method, build
):
    who = attacker(request, role, client)
    url, data = build(lockout, who)
    before = database_snapshot(EVERY_TABLE)

    response = assert_refused(client, send(client, method, url, data))

    assert "203.0.113.66" not in response.content.decode()
    assert database_snapshot(EVERY_TABLE) == before


def test_superuser_lifts_a_lockout(client, superuser, lockout):
    assert not can_sign_in("vera")
    client.force_login(superuser)
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    response = client.post("/admin/axes/accessattempt/", {
        "action": "delete_selected", "_selected_action": list(
            AccessAttempt.objects.values_list("pk", flat=True)), "post": "yes"})
    assert response.status_code == 302
    assert can_sign_in("vera")


def test_chief_editor_cannot_unlock_a_colleague(client, chief, lockout):
    client.force_login(chief)
    client.post("/admin/axes/accessattempt/", {
        "action": "delete_selected", "_selected_action": [lockout.pk], "post": "yes"})
    client.post(f"/admin/axes/accessattempt/{lockout.pk}/delete/", {"post": "yes"})
    assert not can_sign_in("vera")


# Routes covered here, for the guard in test_security_permissions.py.
ATTACKED_ROUTES = (
    {route for route, _method, _build in DEVICE_ATTEMPTS + AUDIT_ATTEMPTS + AXES_ATTEMPTS}
    | OPEN_TO_PASSWORD_ONLY
)
