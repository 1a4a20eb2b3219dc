from django.contrib.auth.management import create_permissions
from django.db import migrations

ARTICLE_CONTENT = [
    "articles.add_article", "articles.change_article", "articles.view_article",
    "articles.add_byline", "articles.change_byline", "articles.delete_byline",
    "articles.view_byline",
    "articles.add_articleupdate", "articles.change_articleupdate",
    "articles.delete_articleupdate", "articles.view_articleupdate",
    "articles.add_image", "articles.change_image", "articles.view_image",
    "articles.delete_article",  # the admin narrows it to their own drafts
    "articles.view_section", "articles.view_author", "articles.view_video",
    "taggit.add_tag", "taggit.view_tag",
]
EDITING = [
    "articles.approve_article", "articles.publish_article", "articles.edit_any_article",
    "articles.view_statuschange", "articles.add_video", "articles.change_video",
    "taggit.change_tag",
]
RUNNING_THE_DESK = [
    "articles.withdraw_article",
    "auth.view_user",  # to link author profiles to logins
    "articles.add_section", "articles.change_section", "articles.delete_section",
    "articles.add_author", "articles.change_author", "articles.delete_author",
    "articles.delete_image", "articles.delete_video", "taggit.delete_tag",
]
GROUPS = {
    "Reporters": ARTICLE_CONTENT,
    "Editors": ARTICLE_CONTENT + EDITING,
    "Chief editors": ARTICLE_CONTENT + EDITING + RUNNING_THE_DESK,
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_label in ("articles", "taggit", "auth"):
        app_config = apps.get_app_config(app_label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
