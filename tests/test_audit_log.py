"""The audit log: what it records, and who can read it in the admin (nobody can change it)."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles import workflow
from articles.models import AuditEntry
from tests.conftest import change_url, make_article

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
LOG = "/admin/articles/auditentry/"


def entries(action):
    return AuditEntry.objects.filter(action=action)


def test_sign_in_failure_and_sign_out_are_logged_with_address(client, reporter):
    client.post(reverse("admin:login"), {"username": "rita", "password": "nope"},
                REMOTE_ADDR="198.51.100.3")
    client.post(reverse("admin:login"), {"username": "nobody", "password": "nope"})
    client.post(reverse("admin:login"), {"username": "rita", "password": PASSWORD},
                REMOTE_ADDR="198.51.100.3")
    client.post(reverse("admin:logout"), REMOTE_ADDR="198.51.100.3")

    failed = entries("sign_in_failed").get(username="rita")
    assert failed.user == reporter and failed.ip_address == "198.51.100.3"
    assert entries("sign_in_failed").get(username="nobody").user is None
    assert entries("sign_in").get().user == reporter
    assert entries("sign_out").get().ip_address == "198.51.100.3"


def test_workflow_transitions_are_logged_from_the_one_door(editor):
    article = make_article(headline="Harbour plans")
    workflow.transition(article, "submit", editor)
    workflow.transition(article, "publish", editor)

    details = list(entries("transition").order_by("id").values_list("detail", flat=True))
    assert details == ["draft → review (submit)", "review → published (publish)"]
    assert entries("transition").filter(user=editor, target__contains="Harbour plans").count() == 2


def test_group_membership_and_flags_changed_in_the_admin_are_logged(client, superuser, reporter):
    client.force_login(superuser)
    editors = Group.objects.get(name="Editors")
    response = client.post(
        reverse("admin:auth_user_change", args=[reporter.pk]),
        {
            "username": "rita", "first_name": "Rita", "last_name": "Reporter",
            "email": "rita@example.org", "is_active": "on", "is_staff": "on",
            "is_superuser": "on", "groups": [editors.pk],
            "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    details = " | ".join(entries("permissions").values_list("detail", flat=True))
    assert "groups added: Editors" in details
    assert "groups removed: Reporters" in details
    assert "superuser status: no → yes" in details
    assert entries("permissions").filter(user=superuser, target__contains="rita").exists()


def test_group_permissions_and_user_permissions_are_logged(superuser, editor):
    publish = Permission.objects.get(codename="publish_article")
    Group.objects.get(name="Reporters").permissions.add(publish)
    editor.user_permissions.add(publish)
    Group.objects.get(name="Editors").user_set.remove(editor)
    editor.is_active = False
    editor.save()

    details = list(entries("permissions").values_list("target", "detail"))
    assert any("Reporters" in target and "group permissions added" in detail
               for target, detail in details)
    assert any("edith" in target and "user permissions added" in detail
               for target, detail in details)
    assert any("edith" in target and "groups removed: Editors" in detail
               for target, detail in details)
    assert any("active: yes → no" in detail for _target, detail in details)


def test_deletions_at_the_desk_are_logged(client, chief):
    article = make_article(headline="A draft nobody wanted")
    client.force_login(chief)
    client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    entry = entries("deletion").get(target__contains="A draft nobody wanted")
    assert entry.user == chief
    image = article.lead_image
    image_pk = image.pk
    image.delete()
    assert entries("deletion").filter(target__contains=f"#{image_pk})").exists()


def test_chief_editor_reads_the_log_with_filters_and_search(client, chief, editor):
    workflow.transition(make_article(headline="Searchable headline"), "submit", editor)
    client.force_login(chief)

    assertContains(client.get(LOG), "Searchable headline")
    assertContains(client.get(LOG, {"action__exact": "transition"}), "Searchable headline")
    assertNotContains(client.get(LOG, {"action__exact": "deletion"}), "Searchable headline")
    assertContains(client.get(LOG, {"q": "Searchable"}), "Searchable headline")
    assertContains(client.get(LOG, {"user__id__exact": editor.pk}), "Searchable headline")


def test_editors_cannot_read_the_log(client, editor):
    client.force_login(editor)
    assert client.get(LOG).status_code == 403


def test_nobody_adds_changes_or_deletes_entries_not_even_a_superuser(client, superuser):
    entry = AuditEntry.objects.create(action="sign_in", username="someone")
    client.force_login(superuser)
    assert client.get(f"{LOG}add/").status_code == 403
    assert client.post(f"{LOG}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    page = client.get(f"{LOG}{entry.pk}/change/")
    assertNotContains(page, 'name="_save"')
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_reporter_cannot_open_the_log(reporter):
    client = Client()
    client.force_login(reporter)
    assert client.get(LOG).status_code == 403
    assert User.objects.filter(username="rita").exists()


def test_new_staff_account_is_logged_and_a_name_change_is_not(editor):
    about_edith = entries("permissions").filter(target__contains="edith")
    assert about_edith.filter(detail="staff status: no → yes").exists()
    before = about_edith.count()
    editor.first_name = "Edie"
    editor.save()
    assert about_edith.count() == before


def test_article_change_form_still_opens_for_an_editor(client, editor):
    client.force_login(editor)
    assert client.get(change_url(make_article())).status_code == 200
