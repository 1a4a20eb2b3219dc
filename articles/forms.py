from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget, AutocompleteSelectMultiple
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from reversion.models import Version
from taggit.models import Tag
from taggit.utils import parse_tags

from . import images
from .models import Article, Image
from .sanitize import clean_html

# Fields an editor changes; used to say what a colleague changed in the meantime.
CONTENT_FIELDS = [
    "headline", "slug", "kicker", "teaser", "body", "section", "desk_editor", "lead_image",
    "language", "translation_of", "original_url", "original_language", "translation_method",
    "top_story_rank",
]


class ArticleAdminForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        label=_("Tags"),
        help_text=_("Start typing to find an existing tag."),
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
    )
    new_tags = forms.CharField(
        required=False,
        label=_("New tags"),
        help_text=_("Tags that do not exist yet, separated by commas."),
    )

    class Meta:
        model = Article
        fields = [*CONTENT_FIELDS, "videos"]

    # True while restoring a revision: the database then holds the old revision until the
    # restore is saved, and the instance carries the article's real workflow state.
    restoring = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = list(self.instance.tags.all())
            self.initial["base_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self.refuse_stale_save(cleaned.get("base_version"))
        return cleaned

    def refuse_stale_save(self, base_version):
        """Refuse the save if someone saved the article after this editor opened it.

        Locks the row until the admin's transaction ends, so no save can slip in between.
        """
        if self.restoring:
            current = self.instance  # locked by the revision view, with the real workflow state
        else:
            current = Article.objects.select_for_update().get(pk=self.instance.pk)
        self.locked = current
        if base_version is None or base_version != current.version:
            raise forms.ValidationError(
                conflict_message(current, base_version, self.cleaned_data),
                code="edit_conflict",
            )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and Article.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            # Say which slug is free, not which article has it: it may be a colleague's draft.
            raise forms.ValidationError(
                _("Another article already uses this slug; “%(free)s” is free.")
                % {"free": self.instance.free_slug(slug)}
            )
        return slug

    def save_tags(self, article):
        names = [tag.name for tag in self.cleaned_data.get("tags") or []]
        names += parse_tags(self.cleaned_data.get("new_tags", ""))
        article.tags.set(names)


def conflict_message(current, base_version, submitted):
    """Who saved the article since `base_version`, when, and which fields they changed."""
    versions = list(
        Version.objects.get_for_object(current).select_related("revision__user")[:50]
    )
    later = [v for v in versions if (v.field_dict.get("version") or 0) > (base_version or 0)]
    savers = [(v.revision.user, v.revision.date_created) for v in reversed(later)] or [
        (current.updated_by, current.updated_at)
    ]
    base = next((v for v in versions if v.field_dict.get("version") == base_version), None)
    fields = list(map(Article._meta.get_field, CONTENT_FIELDS))
    if base is not None:
        changed = [
            str(field.verbose_name)
            for field in fields
            if base.field_dict.get(field.attname) != getattr(current, field.attname)
        ]
        changed_text = _("They changed: {fields}.")
    else:
        # No revision of the version this editor started from (e.g. an imported article):
        # name the fields where the saved article and the refused form differ.
        changed = [
            str(field.verbose_name)
            for field in fields
            if field.name in submitted
            and comparable(field, submitted[field.name]) != getattr(current, field.attname)
        ]
        changed_text = _("The saved article differs from your form in: {fields}.")
    message = format_html(
        _("This article was saved by {savers} while you were editing."),
        savers=format_html_join(", ", "{} ({})", (
            (user_label(user), formats.date_format(timezone.localtime(when), "DATETIME_FORMAT"))
            for user, when in savers
        )),
    )
    if changed:
        message = format_html(
            "{} {}", message, format_html(changed_text, fields=", ".join(changed))
        )
    return format_html("{} {}", message, _(
        "Your changes have NOT been saved; they are still in the form below. Open the "
        "article in a new tab to see the current text, then apply your changes there."
    ))


def comparable(field, value):
    """A submitted form value in the shape the database stores it."""
    if field.name == "body":
        return clean_html(value or "")
    if field.is_relation:
        return getattr(value, "pk", value)
    return value


def user_label(user):
    if user is None:
        return _("an import or a script")
    return user.get_full_name() or user.get_username()


class TransitionForm(forms.Form):
    """The workflow panel's inputs, posted together with the article form."""

    _transition = forms.CharField()
    _transition_note = forms.CharField(required=False, max_length=2000)
    _publish_at = forms.DateTimeField(
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class ImageAdminForm(forms.ModelForm):
    """The image form: a new file goes through `images.accept_upload`, the one door."""

    file = forms.FileField(
        label=_("file"),
        allow_empty_file=True,  # the door explains why an empty file is refused
        widget=AdminFileWidget(attrs={"accept": ",".join(images.ACCEPTED_MIME_TYPES)}),
    )

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "source_url", "focal_x", "focal_y"]
        help_texts = {
            "alt_text": _(
                "Describe what the picture shows for readers who cannot see it. Left empty, "
                "it is filled in from the file's accessibility text (IPTC), if any: check it."
            ),
            "caption": _("Left empty, it is filled in from the file's caption (IPTC/XMP), if any."),
            "credit": _(
                "Who owns the picture, e.g. “Shutterstock/ioda”; shown as “(Image: …)”. Left "
                "empty, it is filled in from the agency and photographer the file names "
                "(IPTC/XMP), if any: check it."
            ),
        }

    # The file is cleaned before the text fields, so that what it carries counts as entered
    # when the required alt text and credit are checked.
    field_order = ["file"]
    accepted = None  # the images.AcceptedImage of a new file
    prefilled = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = images.upload_help_text()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload  # no new file: the saved one stays
        self.accepted = images.accept_upload(upload)
        self.prefilled = self.prefill_empty_fields(self.accepted.prefill)
        return self.accepted.master

    def prefill_empty_fields(self, found):
        """Put the file's text into empty fields, also in the form shown again on an error."""
        empty = [
            name
            for name in found
            if name in self.fields and not str(self.data.get(self.add_prefix(name), "")).strip()
        ]
        if empty:
            self.data = self.data.copy()
            for name in empty:
                self.data[self.add_prefix(name)] = found[name]
        return empty

    def save(self, commit=True):
        if self.accepted is not None:
            self.accepted.apply_to(self.instance)  # the master, and the original kept privately
        return super().save(commit)
