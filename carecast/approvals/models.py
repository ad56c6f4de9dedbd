"""Approvals: who must approve posts (per channel, per department), reviews of stories and of
inbox replies, and the notices that tell people about them.

The rules live here as their own small tables so that channels and departments need no
new columns; ``carecast.rights.approvals`` reads them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Department, Organisation, Person
from carecast.networks.models import Channel


class Mode(models.TextChoices):
    NOBODY = "nobody", _("No approval needed")
    DEPARTMENT_EDITORS = "department_editors", _("Department editors' posts")
    EVERYONE = "everyone", _("Everyone's posts (except the lead's)")


class DepartmentPolicy(models.Model):
    """The default for the department's channels."""

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="approval_policy"
    )
    mode = models.CharField(max_length=24, choices=Mode.choices, default=Mode.NOBODY)

    def __str__(self) -> str:
        return f"{self.department}: {self.mode}"


class ChannelPolicy(models.Model):
    """A channel's own rule; without one (or blank) the department's default holds."""

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, related_name="approval_policy"
    )
    mode = models.CharField(max_length=24, choices=Mode.choices, blank=True)

    def __str__(self) -> str:
        return f"{self.channel}: {self.mode or 'department'}"


class ReplyLabelPolicy(models.Model):
    """Replies to comments with this triage label need approval before they go out."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "label"], name="reply_label_unique")
        ]

    def __str__(self) -> str:
        return self.label


class ReviewState(models.TextChoices):
    PENDING = "pending", _("in review")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    # A newer submission of the same story replaced it (it was edited while in review).
    SUPERSEDED = "superseded", _("replaced by a newer version")


OPEN_STATES = {ReviewState.PENDING}


class Review(models.Model):
    """One submission of a story's posts for approval, and its decision."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="reviews")
    # {channel id (str): fingerprint of the post's text and media as submitted}: an approval
    # covers exactly this, so any later edit needs a new one.
    posts = models.JSONField(default=dict)
    due_at = models.DateTimeField(_("planned for"), null=True, blank=True)
    state = models.CharField(
        max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("note for the approver"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # Approved after the planned time: nothing is scheduled until someone picks a new one.
    needs_new_time = models.BooleanField(default=False)
    scheduled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.story} [{self.state}]"

    @property
    def channel_ids(self) -> list[int]:
        return [int(k) for k in self.posts]


class ReplyReview(models.Model):
    """A draft reply to an inbox item that waits for approval before it is queued."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey("inbox.InboxItem", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("reply"))
    # The reply checks' findings as the approver saw them: [{"id", "severity", "message"}].
    findings = models.JSONField(default=list, blank=True)
    labels = models.JSONField(default=list, blank=True)
    state = models.CharField(
        max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    reply = models.ForeignKey(
        "inbox.InboxReply", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("reply review")
        verbose_name_plural = _("reply reviews")

    def __str__(self) -> str:
        return f"reply to item {self.item_id} [{self.state}]"


class Notice(models.Model):
    """Someone was told about a review: in carecast always, by e-mail when it worked."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("waits for your approval")
        APPROVED = "approved", _("was approved")
        APPROVED_LATE = "approved_late", _("was approved after its planned time: choose a new one")
        CHANGES_REQUESTED = "changes_requested", _("needs changes")
        REJECTED = "rejected", _("was rejected")
        BACK_TO_REVIEW = "back_to_review", _("was changed and goes back to review")
        RESCHEDULED = "rescheduled", _("was changed by someone else and planned again")
        REPLY_SUBMITTED = "reply_submitted", _("waits for your approval")
        REPLY_APPROVED = "reply_approved", _("was approved and is being sent")
        REPLY_REJECTED = "reply_rejected", _("was not approved")

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True)
    # Set when there is no review to point to (a post re-planned after someone else's edit).
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, null=True, blank=True)
    reply_review = models.ForeignKey(ReplyReview, on_delete=models.CASCADE, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.recipient}: {self.kind}"
