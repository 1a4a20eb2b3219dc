from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin
from taggit.admin import TagAdmin
from taggit.models import Tag

from . import preview, renditions, workflow
from .caching import purge_public_pages
from .forms import ArticleAdminForm, ImageAdminForm, TransitionForm
from .models import (
    Article,
    ArticleUpdate,
    AuditEntry,
    Author,
    Byline,
    Image,
    Section,
    StatusChange,
    Video,
)
from .views import render_preview

admin.site.site_header = _("Newsroom desk")
admin.site.site_title = _("Newsroom desk")
admin.site.index_title = _("The desk")

# What a restored revision must never change: the workflow decides these.
WORKFLOW_FIELDS = [
    "status", "published_at", "first_published_at", "preview_secret", "version", "created_at",
    "created_by_id",
]

def thumbnail(image, size=120):
    if image is None or not image.file:
        return "–"
    return format_html(
        '<img src="{}" alt="{}" class="nr-thumb" style="max-width:{}px;max-height:{}px">',
        image.file.url,
        image.alt_text,
        size,
        size,
    )


def crop_style(image, ratio):
    """CSS that shows exactly the crop_box of `ratio` from the whole picture."""
    left, top, right, bottom = renditions.crop_box(
        image.width, image.height, ratio, image.focal_x, image.focal_y
    )
    box_width, box_height = right - left, bottom - top
    spare_x, spare_y = image.width - box_width, image.height - box_height
    return (
        f"background-image:url({renditions.single_url(image)});"
        f"background-size:{image.width / box_width * 100:.3f}% auto;"
        f"background-position:{left / spare_x * 100 if spare_x else 0:.3f}% "
        f"{top / spare_y * 100 if spare_y else 0:.3f}%"
    )


class PurgesPublicPages:
    """What the desk saves or deletes may be on any public page: retire the cached ones."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        purge_public_pages()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        purge_public_pages()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        purge_public_pages()


class NoHiddenSaveAsNew:
    """Django's change view copies an object on any POST with `_saveasnew`, even with
    `save_as` off and whatever the source: the desk offers no copying, so refuse it."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_saveasnew" in request.POST and not self.save_as:
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" redirect, only for objects the person may see at the desk.

    Django's own view redirects for any object of any model, and an article's address holds
    its slug: a colleague's draft headline for whoever guesses the id.
    """
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    model_admin = admin.site.get_model_admin(model) if admin.site.is_registered(model) else None
    try:
        obj = model_admin and model_admin.get_queryset(request).filter(pk=object_id).first()
    except (ValueError, ValidationError):
        obj = None
    if not obj or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404(_("No such object, or you may not see it."))
    return shortcut(request, content_type_id, object_id)


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft")),
            ("review", _("In review")),
            ("scheduled", _("Scheduled")),
            ("live", _("Published")),
            ("withdrawn", _("Withdrawn")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "draft" | "review" | "withdrawn" as status:
                return queryset.filter(status=status)
            case "scheduled":
                return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
            case "live":
                return queryset.live(now)
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = _("whose")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", _("Mine"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=Article.objects.owned_by(request.user).values("pk"))
        return queryset


class BylineFormSet(BaseInlineFormSet):
    """Reporters edit only articles they sign, so they must stay in the byline."""

    required_author = None  # set per request for people who may edit only their own drafts
    missing_profile = False

    def clean(self):
        super().clean()
        if self.missing_profile:
            raise ValidationError(
                _("Your login is not linked to an author profile, so you could not edit this "
                  "article after saving. Ask a chief editor to link it.")
            )
        if self.required_author is None:
            return
        authors = [
            form.cleaned_data.get("author")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if self.required_author not in authors:
            raise ValidationError(
                _("Keep yourself in the byline: reporters edit only the drafts they sign.")
            )


class BylineInline(admin.TabularInline):
    model = Byline
    formset = BylineFormSet
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["position", "author"]
    verbose_name = _("author")
    verbose_name_plural = _("byline (in order)")

    def get_extra(self, request, obj=None, **kwargs):
        # A new article starts with its writer in the byline.
        return 1 if obj is None and own_author_profile(request.user) else 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not request.user.has_perm("articles.edit_any_article"):
            formset.required_author = own_author_profile(request.user)
            formset.missing_profile = formset.required_author is None
        return formset


def own_author_profile(user):
    return getattr(user, "author_profile", None)


class ArticleUpdateInline(admin.StackedInline):
    model = ArticleUpdate
    extra = 0
    fields = ["kind", "created_at", "text"]


@admin.register(Article)
class ArticleAdmin(NoHiddenSaveAsNew, PurgesPublicPages, CompareVersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "headline", "status_badge", "section", "byline", "published_at", "updated_at",
        "top_story_rank",
    ]
    list_display_links = ["headline"]
    list_filter = [
        StatusFilter, MineFilter, "section", "authors", "tags", "language",
        ("top_story_rank", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["section"]
    search_fields = ["headline", "teaser", "body"]
    date_hierarchy = "published_at"
    list_per_page = 50
    autocomplete_fields = ["section", "desk_editor", "lead_image", "translation_of", "videos"]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [BylineInline, ArticleUpdateInline]
    readonly_fields = [
        "status_summary", "checklist", "lead_image_preview", "status_history", "reading_time",
        "created_at", "updated_at",
    ]
    actions = ["submit_selected", "publish_selected"]
    fieldsets = [
        (None, {"fields": [
            "status_summary", "checklist", "base_version", "kicker", "headline", "slug",
            "teaser", "body",
        ]}),
        (_("Placement"), {"fields": [
            "section", "tags", "new_tags", "language", "desk_editor", "top_story_rank",
        ]}),
        (_("Lead image"), {"fields": ["lead_image", "lead_image_preview"]}),
        (_("Related videos"), {"fields": ["videos"], "classes": ["collapse"]}),
        (_("Translation"), {
            "fields": [
                "translation_of", "original_url", "original_language", "translation_method",
            ],
            "classes": ["collapse"],
        }),
        (_("History"), {"fields": ["status_history", "reading_time", "created_at", "updated_at"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    # Who sees and edits what.

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )
        if request.user.has_perm("articles.edit_any_article"):
            return queryset
        # Reporters see their own articles and what readers can see or saw, never colleagues'
        # drafts nor their scheduled (embargoed) stories before the publication time.
        return queryset.filter(
            Q(pk__in=Article.objects.owned_by(request.user).values("pk"))
            | Q(pk__in=Article.objects.live().values("pk"))
            | Q(status=Article.Status.WITHDRAWN)
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None or request.user.has_perm("articles.withdraw_article"):
            return allowed
        # Below the chief editors, only drafts go: what readers saw is withdrawn instead.
        return obj.status == Article.Status.DRAFT and workflow.can_edit(request.user, obj)

    def get_deleted_objects(self, objs, request):
        # The status log is the article's own record and goes with it (the audit log keeps
        # the deletion); nobody may delete log entries on their own, so Django would
        # otherwise refuse every article that has a history, even to chief editors.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(StatusChange._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.has_perm("articles.publish_article"):
            return readonly
        # The home page is the editors' call: reporters see the rank but cannot set it.
        return [*readonly, "top_story_rank"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "translation_of":
            # Only articles this person may see: a choice list must not leak drafts.
            kwargs["queryset"] = self.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BylineInline):
            profile = own_author_profile(request.user)
            if obj.pk is None and profile and not request.POST:
                kwargs["initial"] = [{"author": profile.pk, "position": 0}]
        return kwargs

    # The list.

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        css = "badge-scheduled" if obj.is_scheduled else f"badge-{obj.status}"
        return format_html('<span class="nr-badge {}">{}</span>', css, obj.display_status)

    @admin.display(description=_("byline"))
    def byline(self, obj):
        return ", ".join(author.name for author in obj.byline_authors()) or "–"

    # The form.

    @admin.display(description=_("status"))
    def status_summary(self, obj):
        if obj.pk is None:
            return _("Draft (not saved yet)")
        if obj.is_scheduled:
            when = formats.date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
            return format_html("{} – {}", obj.display_status, when)
        return obj.display_status

    @admin.display(description=_("publish checklist"))
    def checklist(self, obj):
        problems = workflow.checklist_problems(obj)
        if not problems:
            return format_html('<span class="nr-ok">{}</span>', _("Ready to publish."))
        return format_html(
            '<ul class="nr-checklist">{}</ul>',
            format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)),
        )

    @admin.display(description=_("preview"))
    def lead_image_preview(self, obj):
        image = obj.lead_image
        if image is None:
            return "–"
        return format_html(
            "{}<br>{} <em>({}: {})</em>",
            thumbnail(image, 320),
            image.caption,
            _("Image"),
            image.credit,
        )

    @admin.display(description=_("status history"))
    def status_history(self, obj):
        if obj.pk is None:
            return "–"
        entries = obj.status_log.select_related("user")
        if not entries:
            return _("No status changes yet.")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
            (
                (
                    formats.date_format(timezone.localtime(entry.created_at), "DATETIME_FORMAT"),
                    entry.user.get_username() if entry.user else "–",
                    entry.get_from_status_display(),
                    entry.get_to_status_display(),
                    entry.note,
                )
                for entry in entries
            ),
        )
        return format_html('<table class="nr-history">{}</table>', rows)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["transitions"] = workflow.available_transitions(obj, request.user)
            context["preview_url"] = reverse("admin:articles_article_preview", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            # The row as locked by the form's conflict check: a transition that committed
            # after this page loaded keeps its status, times and preview secret.
            for field in WORKFLOW_FIELDS:
                setattr(obj, field, getattr(form.locked, field))
            obj.version = form.locked.version + 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_tags(form.instance)

    def response_change(self, request, obj):
        if "_transition" in request.POST:
            return self.take_transition(request, obj)
        return super().response_change(request, obj)

    def take_transition(self, request, obj):
        """Run the workflow action posted with the form, after the form was saved."""
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The workflow action could not be read; nothing changed."))
            return HttpResponseRedirect(change_url)
        try:
            workflow.transition(
                obj,
                form.cleaned_data["_transition"],
                request.user,
                form.cleaned_data["_transition_note"],
                publish_at=form.cleaned_data["_publish_at"],
            )
        except workflow.WorkflowError as refused:
            messages.error(
                request,
                format_html(
                    "{} {}",
                    _("Saved, but the status did not change:"),
                    " ".join(refused.messages),
                ),
            )
            return HttpResponseRedirect(change_url)
        rule = workflow.TRANSITIONS[form.cleaned_data["_transition"]]
        messages.success(request, format_html("{}: “{}”", rule.done, obj.headline))
        return HttpResponseRedirect(change_url)

    # Bulk actions go through the same door as the buttons.

    def run_bulk(self, request, queryset, action):
        done = refused = 0
        for article in queryset:
            try:
                workflow.transition(article, action, request.user)
                done += 1
            except workflow.WorkflowError as error:
                refused += 1
                messages.warning(request, format_html("“{}”: {}", article.headline, str(error)))
        if done:
            rule = workflow.TRANSITIONS[action]
            messages.success(request, format_html("{}: {}", rule.done, done))

    @admin.action(description=_("Submit selected articles for review"))
    def submit_selected(self, request, queryset):
        self.run_bulk(request, queryset, "submit")

    @admin.action(description=_("Publish selected articles now"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self.run_bulk(request, queryset, "publish")

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    # Preview, preview links and revision views check the article, not only the model.

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<path:object_id>/preview-link/",
                self.admin_site.admin_view(self.preview_link_view),
                name="articles_article_preview_link",
            ),
            path(
                "<path:object_id>/revoke-preview-links/",
                self.admin_site.admin_view(self.revoke_preview_links_view),
                name="articles_article_revoke_preview_links",
            ),
        ]
        return own + super().get_urls()

    def viewable_article(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404(_("No such article, or you may not see it."))
        return obj

    @method_decorator(never_cache)
    def preview_view(self, request, object_id):
        obj = self.viewable_article(request, object_id)
        # Seeing an article at the desk is not enough: a colleague's scheduled story is
        # under embargo. Its editors and its own authors preview it.
        own = workflow.is_own_article(request.user, obj)
        if not (own or self.has_change_permission(request, obj)):
            raise Http404(_("No such article, or you may not see it."))
        return render_preview(request, obj)

    @method_decorator(never_cache)
    def preview_link_view(self, request, object_id):
        obj = self.viewable_article(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        url = request.build_absolute_uri(preview.preview_url(obj))
        return TemplateResponse(
            request,
            "admin/articles/article/preview_link.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "preview_link": url,
                "title": _("Preview link"),
            },
        )

    @method_decorator(require_POST)
    def revoke_preview_links_view(self, request, object_id):
        obj = self.viewable_article(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        preview.revoke_links(obj)
        messages.success(request, _("Every preview link to this article has been revoked."))
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def recoverlist_view(self, request, extra_context=None):
        # Deleted articles may be anyone's drafts: only those who see every article recover.
        if not request.user.has_perm("articles.edit_any_article"):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not request.user.has_perm("articles.edit_any_article"):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.viewable_article(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id, extra_context=None):
        self.viewable_article(request, object_id)
        return super().compare_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.viewable_article(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        with transaction.atomic():
            # Reverting writes the old revision into the database, with defaults for the
            # fields revisions leave out. Lock the row and remember the workflow's fields,
            # so the restore keeps them and no save slips in between.
            current = Article.objects.select_for_update().get(pk=obj.pk)
            # The home page's placement is today's decision too: an old revision keeps it.
            kept = [*WORKFLOW_FIELDS, "top_story_rank"]
            request.workflow_state = {field: getattr(current, field) for field in kept}
            return super().revision_view(request, object_id, version_id, extra_context)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            for field, value in getattr(request, "workflow_state", {}).items():
                setattr(obj, field, value)
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.restoring = hasattr(request, "workflow_state")
        return form


@admin.register(Image)
class ImageAdmin(NoHiddenSaveAsNew, PurgesPublicPages, admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["thumb", "alt_text", "credit", "dimensions", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["thumb_large", "focal_point", "width", "height", "created_at"]
    fields = [
        "file", "thumb_large", "alt_text", "caption", "credit", "source_url",
        "focal_point", "focal_x", "focal_y", "width", "height", "created_at",
    ]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/focal-point.js"]

    @admin.display(description=_("focal point and crops"))
    def focal_point(self, obj):
        """The picture to click on, and the crops that follow the focal point."""
        if not obj.pk or not obj.file:
            return _("Save the image first, then click on its most important point.")
        crops = format_html_join(
            "",
            '<figure class="nr-crop-figure"><div class="nr-crop" data-ratio="{}" '
            'style="aspect-ratio:{};{}"></div><figcaption>{}</figcaption></figure>',
            (
                (float(ratio), f"{ratio.numerator}/{ratio.denominator}",
                 crop_style(obj, ratio), name.replace("x", ":"))
                for name, ratio in renditions.RATIOS.items()
            ),
        )
        return format_html(
            '<div class="nr-focal" data-focal-picker data-width="{}" data-height="{}" '
            'data-src="{}">'
            '<div class="nr-focal-stage"><img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="nr-focal-marker" style="left:{}%;top:{}%"></span></div>'
            '<p class="help">{}</p><div class="nr-crops">{}</div></div>',
            obj.width, obj.height, renditions.single_url(obj),
            renditions.single_url(obj), obj.alt_text, obj.width, obj.height,
            round(obj.focal_x * 100, 2), round(obj.focal_y * 100, 2),
            _("Click the most important point of the picture; the crops keep it in view. "
              "Save to apply."),
            crops,
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.has_perm("articles.edit_any_article"):
            return allowed
        # Reporters change only their own uploads that no reader or editor relies on yet.
        in_use = Article.objects.filter(lead_image=obj).exclude(status=Article.Status.DRAFT)
        return obj.uploaded_by_id == request.user.pk and not in_use.exists()

    @admin.display(description=_("image"))
    def thumb(self, obj):
        return thumbnail(obj, 80)

    @admin.display(description=_("preview"))
    def thumb_large(self, obj):
        return thumbnail(obj, 400) if obj.pk else "–"

    @admin.display(description=_("size"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if form.prefilled:
            fields = ", ".join(
                str(Image._meta.get_field(name).verbose_name) for name in form.prefilled
            )
            messages.info(
                request, _("Filled in from the file: %(fields)s. Check them.") % {"fields": fields}
            )
        for note in form.accepted.notes if form.accepted else ():
            messages.warning(request, note)


@admin.register(Section)
class SectionAdmin(NoHiddenSaveAsNew, PurgesPublicPages, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(NoHiddenSaveAsNew, PurgesPublicPages, admin.ModelAdmin):
    list_display = ["name", "short_code", "job_title", "user"]
    search_fields = ["name", "short_code"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Video)
class VideoAdmin(NoHiddenSaveAsNew, PurgesPublicPages, admin.ModelAdmin):
    list_display = ["title", "provider", "duration"]
    list_filter = ["provider"]
    search_fields = ["title"]
    autocomplete_fields = ["poster"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "article", "from_status", "to_status", "user", "note"]
    list_filter = ["to_status", "action"]
    list_select_related = ["article", "user"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Tag)


@admin.register(Tag)
class NewsroomTagAdmin(NoHiddenSaveAsNew, PurgesPublicPages, TagAdmin):
    """taggit's tag admin, with merging kept to those who may change tags.

    taggit's merge view checks no permission at all: any staff member could merge tags.
    """

    @admin.action(description=_("Merge selected tags"), permissions=["change"])
    def render_tag_form(self, request, queryset):
        return super().render_tag_form(request, queryset)

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        response = super().merge_tags_view(request)
        if request.method == "POST":
            purge_public_pages()  # merged tags show on article, tag and feed pages
        return response


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log: chief editors and superusers read it; nobody adds, edits or deletes."""

    list_display = ["at", "action", "username", "target", "detail", "ip_address"]
    list_filter = ["action", ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["username", "target", "detail", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    fields = ["at", "action", "user", "username", "ip_address", "target", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp-webauthn ships this admin without registering it; superusers remove a lost passkey
# here (README, "Sign-in"). Nobody else has permissions on credentials.
admin.site.register(WebAuthnCredential, WebAuthnCredentialAdmin)
