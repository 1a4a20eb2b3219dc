"""Signing in at the desk: second factor, lockouts, and sessions that end with the account."""

import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import AuditEntry
from tests.conftest import ROLES, current_code, enrolled_device, make_user, password_only_login

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
DESK = "/admin/"


def sign_in(client, username, password=PASSWORD, ip="203.0.113.5", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": DESK},
        REMOTE_ADDR=ip,
        **headers,
    )


def verify_url(next_url=DESK):
    return f"{reverse('signin:verify')}?next={next_url}"


# The second factor


def test_editor_without_a_second_factor_is_sent_to_set_one_up(client, editor):
    assertRedirects(sign_in(client, "edith"), DESK, fetch_redirect_response=False)
    response = client.get("/admin/articles/article/")
    assertRedirects(response, f"{reverse('signin:enrol')}?next=/admin/articles/article/")


def test_the_gate_holds_when_the_site_is_served_under_a_prefix(client, editor):
    """Behind SCRIPT_NAME the full path is /news/admin/…: the gate must look within the site."""
    sign_in(client, "edith")
    response = client.get("/admin/articles/article/", SCRIPT_NAME="/news")
    assert response.status_code == 302
    assert "/admin/2fa/enrol/" in response["Location"]


def test_chief_editor_and_superuser_need_a_second_factor_too(client, chief, superuser):
    for username in ("charles", "root"):
        sign_in(client, username)
        assert client.get(DESK).url.startswith(reverse("signin:enrol"))
        client.post(reverse("admin:logout"))


def test_editor_sets_up_an_app_from_a_qr_code_drawn_here(client, editor):
    sign_in(client, "edith")
    page = client.get(reverse("signin:enrol"), {"next": DESK})
    assertContains(page, "<svg")  # inline: the secret never goes to a QR code service
    assertNotContains(page, "<img")
    device = TOTPDevice.objects.get(user=editor, confirmed=False)

    done = client.post(reverse("signin:enrol"), {"code": current_code(device), "next": DESK})

    assertContains(done, "backup codes")
    assert len(done.context["codes"]) == 10
    assert TOTPDevice.objects.get(user=editor).confirmed
    assert client.get(DESK).status_code == 200
    assert AuditEntry.objects.filter(action="2fa_added", user=editor).exists()


def test_wrong_code_at_set_up_keeps_the_desk_closed(client, editor):
    sign_in(client, "edith")
    client.get(reverse("signin:enrol"))
    response = client.post(reverse("signin:enrol"), {"code": "000000"})
    assertContains(response, "That code is not right")
    assert not TOTPDevice.objects.get(user=editor).confirmed
    assert client.get(DESK).status_code == 302


def test_enrolled_editor_verifies_a_code_after_the_password(client, editor):
    device = enrolled_device(editor)
    sign_in(client, "edith")
    assertRedirects(client.get(DESK), verify_url(), fetch_redirect_response=False)

    wrong = client.post(verify_url(), {"code": "123456"})
    assertContains(wrong, "That code is not right")
    device.throttle_reset()
    right = client.post(verify_url(), {"code": current_code(device)})

    assertRedirects(right, DESK, fetch_redirect_response=False)
    assert client.get(DESK).status_code == 200
    actions = set(AuditEntry.objects.filter(user=editor).values_list("action", flat=True))
    assert {"sign_in", "2fa_failed", "2fa_verified"} <= actions


def test_wrong_codes_make_the_next_try_wait_and_say_until_when(client, editor):
    device = enrolled_device(editor)
    sign_in(client, "edith")
    assertContains(client.post(verify_url(), {"code": "111111"}), "That code is not right")
    refused = client.post(verify_url(), {"code": current_code(device)})
    assertContains(refused, "Too many wrong codes. Wait until")
    assert client.get(DESK).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # kept in the database, not in a process


def test_backup_code_signs_in_once(client, editor):
    enrolled_device(editor)
    sign_in(client, "edith")
    client.get(reverse("signin:enrol"))  # not while unverified: a password alone adds nothing
    assert TOTPDevice.objects.filter(user=editor).count() == 1
    password_only_login(client, editor)
    client.force_login(editor)
    codes = client.post(reverse("signin:overview")).context["codes"]

    other = Client()
    sign_in(other, "edith")
    assertRedirects(other.post(verify_url(), {"code": codes[0]}), DESK,
                    fetch_redirect_response=False)
    again = Client()
    sign_in(again, "edith")
    assertContains(again.post(verify_url(), {"code": codes[0]}), "That code is not right")
    assert again.get(DESK).status_code == 302
    assert StaticDevice.objects.get(user=editor).token_set.count() == 9


def test_stolen_password_cannot_add_a_second_app(client, editor):
    enrolled_device(editor)
    sign_in(client, "edith")
    response = client.get(reverse("signin:enrol"))
    assertRedirects(response, f"{reverse('signin:verify')}?next={reverse('signin:enrol')}",
                    fetch_redirect_response=False)
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_reporter_uses_the_desk_without_a_second_factor(client, reporter):
    sign_in(client, "rita")
    assert client.get("/admin/articles/article/").status_code == 200
    assertContains(client.get(reverse("signin:overview")), "Two-factor sign-in is off.")


def test_reporter_who_set_up_a_second_factor_must_verify_it(client, reporter):
    enrolled_device(reporter)
    sign_in(client, "rita")
    assertRedirects(client.get(DESK), verify_url(), fetch_redirect_response=False)


def test_demo_logins_skip_the_second_factor_only_when_it_is_switched_off(client, settings):
    settings.DESK_2FA_REQUIRED = False  # what `make run` sets, with DEBUG on
    make_user("editor", ROLES["editor"])
    make_user("edith", ROLES["editor"])
    sign_in(client, "editor")
    assert client.get(DESK).status_code == 200
    other = Client()
    sign_in(other, "edith")
    assert other.get(DESK).status_code == 302


def test_production_settings_refuse_to_switch_the_second_factor_off():
    environment = {**os.environ, "DEBUG": "false", "DESK_2FA_REQUIRED": "false"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment | {"DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "DESK_2FA_REQUIRED=false is for the development server only" in result.stderr


# Lockouts


def test_too_many_failures_refuse_even_the_right_password_and_say_when(client, editor):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "edith", "wrong password")

    refused = sign_in(client, "edith")

    assert refused.status_code == 429
    assertContains(refused, "Too many failed sign-ins", status_code=429)
    assertContains(refused, "try again then", status_code=429)
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="locked_out", username="edith").exists()


def test_a_locked_username_does_not_lock_a_colleague_elsewhere(client, editor, chief):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "edith", "wrong password", ip="198.51.100.1")
    assertRedirects(sign_in(Client(), "charles", ip="198.51.100.2"), DESK,
                    fetch_redirect_response=False)


def test_one_address_trying_many_usernames_is_locked(client, editor):
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{number}", "wrong", ip="198.51.100.9")
    assert sign_in(client, "edith", ip="198.51.100.9").status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, editor):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "edith", "wrong password")
    assert sign_in(client, "edith").status_code == 429
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)

    assertRedirects(sign_in(client, "edith"), DESK, fetch_redirect_response=False)


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(client, settings, editor):
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert sign_in(client, "edith", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_behind_a_trusted_proxy_each_client_address_counts(client, settings, editor):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.1.1.1"
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{number}", "wrong", ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.66")
    assert sign_in(client, "edith", ip=proxy,
                   HTTP_X_FORWARDED_FOR="192.0.2.66").status_code == 429
    # Another client behind the same proxy is not locked, whatever it writes into the header
    # itself: the entry the proxy appended (the last) counts.
    assertRedirects(
        sign_in(Client(), "edith", ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.66, 192.0.2.67"),
        DESK, fetch_redirect_response=False,
    )
    entry = AuditEntry.objects.filter(action="sign_in").get()
    assert entry.ip_address == "192.0.2.67"


def test_a_malformed_forwarded_address_falls_back_to_the_connecting_one(client, settings, editor):
    settings.TRUSTED_PROXY_COUNT = 1
    for forwarded, recorded in (
        ("192.0.2.70:51234", "192.0.2.70"),  # a balancer that appends the port
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("not-an-address", "10.1.1.1"),
    ):
        AuditEntry.objects.all().delete()
        response = sign_in(Client(), "edith", ip="10.1.1.1", HTTP_X_FORWARDED_FOR=forwarded)
        assertRedirects(response, DESK, fetch_redirect_response=False)
        assert AuditEntry.objects.get(action="sign_in").ip_address == recorded


# Sessions end with the account


def test_deactivated_editor_is_signed_out_at_the_next_request(client, editor):
    client.force_login(editor)
    assert client.get(DESK).status_code == 200
    editor.is_active = False
    editor.save()
    assertRedirects(client.get(DESK), f"{reverse('admin:login')}?next={DESK}",
                    fetch_redirect_response=False)


def test_password_set_by_another_admin_ends_the_editors_sessions(client, editor, superuser):
    client.force_login(editor)
    assert client.get(DESK).status_code == 200
    admin = Client()
    admin.force_login(superuser)
    response = admin.post(
        reverse("admin:auth_user_password_change", args=[editor.pk]),
        {"password1": "a brand new passphrase 42", "password2": "a brand new passphrase 42",
         "usable_password": "true"},
    )
    assert response.status_code == 302
    assertRedirects(client.get(DESK), f"{reverse('admin:login')}?next={DESK}",
                    fetch_redirect_response=False)


def test_stolen_password_cannot_add_a_passkey_either(client, editor, reporter):
    enrolled_device(editor)
    sign_in(client, "edith")
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 403
    assert client.get(DESK).status_code == 302
    # Someone without a second factor yet may start making one.
    first_timer = Client()
    sign_in(first_timer, "rita")
    begin = first_timer.post(reverse("otp_webauthn:credential-registration-begin"))
    assert begin.status_code == 200


def test_demo_printout_says_the_demo_logins_skip_the_second_factor_in_development(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    settings.DESK_2FA_REQUIRED = False
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert "these demo logins skip the second factor" in output.getvalue()
