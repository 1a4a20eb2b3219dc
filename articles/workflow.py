"""The editorial workflow: states, transitions, who may take them, and the publish checklist.

`transition()` is the one door through which an article's status changes.
"""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit
from .caching import purge_public_pages
from .models import Article, AuditEntry, StatusChange
from .sanitize import text_of

Status = Article.Status


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    permission: str | None  # None: whoever may edit the article
    needs_note: bool
    label: str
    done: str  # the message after it happened
    only_scheduled: bool = False  # a published article whose time has not come yet


TRANSITIONS = {
    t.action: t
    for t in [
        Transition("submit", Status.DRAFT, Status.REVIEW, None, False,
                   _("Submit for review"), _("Submitted for review")),
        Transition("request_changes", Status.REVIEW, Status.DRAFT, "articles.approve_article",
                   False, _("Request changes"), _("Sent back to draft")),
        Transition("publish", Status.REVIEW, Status.PUBLISHED, "articles.publish_article",
                   False, _("Publish or schedule"), _("Published")),
        Transition("publish_directly", Status.DRAFT, Status.PUBLISHED, "articles.publish_article",
                   True, _("Publish directly (breaking news)"), _("Published")),
        Transition("withdraw", Status.PUBLISHED, Status.WITHDRAWN, "articles.withdraw_article",
                   True, _("Withdraw"), _("Withdrawn")),
        Transition("reopen", Status.WITHDRAWN, Status.DRAFT, "articles.publish_article",
                   False, _("Reopen as draft"), _("Reopened as draft")),
        Transition("unschedule", Status.PUBLISHED, Status.REVIEW, "articles.publish_article",
                   False, _("Unschedule"), _("Unscheduled, back in review"),
                   only_scheduled=True),
    ]
}


class WorkflowError(Exception):
    """A transition was refused; `messages` say why, in words an editor understands."""

    def __init__(self, *messages):
        self.messages = [str(m) for m in messages]
        super().__init__(" ".join(self.messages))


def is_own_article(user, article):
    """True if `user` is in the article's byline."""
    if not user.is_authenticated or article.pk is None:
        return False
    return Article.objects.owned_by(user).filter(pk=article.pk).exists()


def can_edit(user, article):
    """Editors edit every article; reporters only drafts that are their own."""
    if not user.is_active or not user.has_perm("articles.change_article"):
        return False
    if user.has_perm("articles.edit_any_article"):
        return True
    return article.status == Status.DRAFT and is_own_article(user, article)


def may_take(user, article, action):
    rule = TRANSITIONS[action]
    if not user.is_authenticated or not user.is_active:
        return False
    if rule.permission is None:
        return can_edit(user, article)
    return user.has_perm(rule.permission)


def available_transitions(article, user):
    """The transitions `user` may take from the article's current status."""
    return [
        rule
        for rule in TRANSITIONS.values()
        if applies(rule, article) and may_take(user, article, rule.action)
    ]


def applies(rule, article):
    return rule.source == article.status and (not rule.only_scheduled or article.is_scheduled)


def checklist_problems(article):
    """What still stands between the article and publication, one message per problem."""
    problems = []
    if not article.headline.strip():
        problems.append(_("Add a headline."))
    if not article.teaser.strip():
        problems.append(_("Write a teaser."))
    if not text_of(article.body).strip():
        problems.append(_("Write the body."))
    if article.section_id is None:
        problems.append(_("Choose a section."))
    if article.pk is None or not article.bylines.exists():
        problems.append(_("Add at least one author to the byline."))
    image = article.lead_image
    if image is None:
        problems.append(_("Choose a lead image."))
    else:
        if not image.alt_text.strip():
            problems.append(_("Give the lead image an alt text."))
        if not image.credit.strip():
            problems.append(_("Give the lead image a credit."))
    return problems


@transaction.atomic
def transition(article, action, user, note="", *, publish_at=None, now=None, checklist=True):
    """Move `article` through `action` for `user`, or raise WorkflowError.

    Locks the article's row so that two concurrent transitions cannot both win, and writes
    the status log entry in the same transaction. `checklist=False` is for imports only (an
    archive's old posts lack lead images and teasers): no form or admin action passes it, and
    the status log says the checklist was not applied.
    """
    now = now or timezone.now()
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise WorkflowError(_("“%(action)s” is not a workflow action.") % {"action": action})
    current = Article.objects.select_for_update().get(pk=article.pk)
    if not applies(rule, current):
        raise WorkflowError(
            _("“%(action)s” is not possible: the article is %(status)s.")
            % {"action": rule.label, "status": current.display_status}
        )
    if not may_take(user, current, action):
        raise WorkflowError(
            _("You are not allowed to “%(action)s” this article.") % {"action": rule.label}
        )
    note = (note or "").strip()
    if rule.needs_note and not note:
        raise WorkflowError(_("“%(action)s” needs a reason.") % {"action": rule.label})

    # `updated_at` dates the last edit of the text (readers see "Updated" after one); the
    # status log dates the transition.
    changes = {"status": rule.target}
    if rule.target == Status.PUBLISHED:
        problems = checklist_problems(current) if checklist else []
        if problems:
            raise WorkflowError(*problems)
        if not checklist:
            note = "; ".join(filter(None, [note, "publish checklist not applied"]))
        changes["published_at"] = publish_at or now
        changes["first_published_at"] = current.first_published_at or changes["published_at"]
        # A text written before a backdated publication time is, for readers, as old as it.
        changes["updated_at"] = min(current.updated_at, changes["published_at"])
    elif publish_at is not None:
        raise WorkflowError(_("A publish time only goes with publishing."))
    else:
        if current.first_published_at and current.first_published_at > now:
            # Taken back before its time: readers never saw it, so it was never published.
            changes["first_published_at"] = None
        if rule.target in (Status.DRAFT, Status.REVIEW):
            changes["published_at"] = None  # an unpublished article has no publish time
    if rule.target == Status.WITHDRAWN:
        # Preview links handed out earlier must not keep a withdrawn text readable, and a
        # withdrawn story gives up its place among the top stories.
        changes["preview_secret"] = secrets.token_hex(16)
        changes["top_story_rank"] = None

    Article.objects.filter(pk=current.pk).update(**changes)
    purge_public_pages()
    StatusChange.objects.create(
        article=current,
        action=action,
        from_status=current.status,
        to_status=rule.target,
        user=user,
        note=note,
        published_at=changes.get("published_at"),
        created_at=now,
    )
    audit.record(
        AuditEntry.Action.TRANSITION,
        user=user,
        target=audit.describe(current),
        detail=f"{current.status} → {rule.target} ({action})" + (f": {note}" if note else ""),
    )
    for field, value in changes.items():
        setattr(article, field, value)
    return article
