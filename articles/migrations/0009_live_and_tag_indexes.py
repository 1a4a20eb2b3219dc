from django.conf import settings
from django.db import migrations, models

# Taggit's own indexes start with the content type or hold the tag alone, so "the articles
# carrying these tags" either read every tagged item or fetch each row to check its type.
# This one answers it from the index (related articles, tag pages); taggit's table, so SQL.
TAGGED_ITEM_INDEX = (
    "CREATE INDEX taggit_taggeditem_tag_ct_object_idx "
    "ON taggit_taggeditem (tag_id, content_type_id, object_id)"
)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_audit_log'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='article',
            name='article_live_idx',
        ),
        migrations.RemoveIndex(
            model_name='article',
            name='article_top_story_idx',
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['published_at', 'status'], name='article_live_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('top_story_rank__isnull', False)), fields=['status', 'top_story_rank'], name='article_top_story_idx'),
        ),
        migrations.RunSQL(
            TAGGED_ITEM_INDEX, "DROP INDEX taggit_taggeditem_tag_ct_object_idx", elidable=False
        ),
    ]
