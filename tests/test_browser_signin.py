"""Signing in at the desk in a real headless Chromium: password, then the second factor."""

import base64

import pytest
from django_otp.oath import totp

from articles.models import AuditEntry
from tests.conftest import current_code, enrolled_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def enter_password(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def watch_hosts(page):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    return hosts


def test_editor_signs_in_with_password_and_app_code(new_page, editor):
    device = enrolled_device(editor)
    page = new_page()
    enter_password(page, "edith")
    page.wait_for_url("**/admin/2fa/verify/**")
    assert "Enter the code from your authenticator app" in page.inner_text("#content-main")

    page.fill("#id_code", current_code(device))
    page.click("#verify-form input[type=submit]")

    page.wait_for_url("**/admin/")
    assert "Newsroom desk" in page.inner_text("#site-name")
    page.goto("/admin/articles/article/")
    assert page.url.endswith("/admin/articles/article/")


def test_editor_sets_up_an_authenticator_app_at_first_sign_in(new_page, editor):
    page = new_page()
    hosts = watch_hosts(page)
    enter_password(page, "edith")
    page.wait_for_url("**/admin/2fa/enrol/**")
    assert page.locator(".nr-qr svg").is_visible()
    # What a person types into the app by hand when they cannot scan.
    secret = page.inner_text("#totp-secret").replace(" ", "")
    code = totp(base64.b32decode(secret))

    page.fill("#id_code", f"{code:06d}")
    page.click("#enrol-form input[type=submit]")

    assert page.locator("#backup-codes li").count() == 10
    page.click("text=Continue to the desk")
    page.wait_for_url("**/admin/")
    assert len(hosts) == 1  # the QR code is drawn by our server, no third party is asked


def test_reporter_signs_in_with_the_password_alone(new_page, reporter):
    page = new_page()
    enter_password(page, "rita")
    page.wait_for_url("**/admin/")
    page.goto("/admin/articles/article/")
    assert page.url.endswith("/admin/articles/article/")
    assert "Two-factor sign-in" in page.text_content("#user-tools")


def test_lockout_message_on_the_login_page(new_page, reporter, settings):
    page = new_page()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/admin/login/")
        page.fill("#id_username", "rita")
        page.fill("#id_password", "wrong")
        page.click("input[type=submit]")
    enter_password(page, "rita")
    assert "sign-in is blocked until" in page.inner_text("#lockout-message")
    assert "/admin/login/" in page.url


def add_virtual_authenticator(page):
    """Chromium's built-in test authenticator: a passkey store that says yes, as a person
    touching their fingerprint sensor would."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return devtools


def test_editor_adds_a_passkey_and_signs_in_with_it(new_page, editor):
    page = new_page()
    add_virtual_authenticator(page)
    enter_password(page, "edith")
    page.wait_for_url("**/admin/2fa/enrol/**")

    page.click("#passkey-register-button")
    page.wait_for_selector("#passkey-register-status-message[data-status-enum=success]")
    page.click("#continue-link")
    page.wait_for_url("**/admin/")
    assert AuditEntry.objects.filter(action="2fa_added", user=editor).exists()

    page.click("#logout-form button")
    enter_password(page, "edith")
    page.wait_for_url("**/admin/2fa/verify/**")
    page.click("#passkey-verification-button")
    page.wait_for_url("**/admin/")
    page.goto("/admin/articles/article/")
    assert page.url.endswith("/admin/articles/article/")
    verified = AuditEntry.objects.get(action="2fa_verified", user=editor)
    assert verified.detail.startswith("passkey")
