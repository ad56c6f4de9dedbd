"""Organisation, departments, people and the audit log.

``core`` imports no other carecast app: everything else hangs off these.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    # The language its posts are written in: a YouTube video's language and its captions'
    # (networks.youtube), unless a post says otherwise.
    language = models.CharField(
        _("language of the posts"), max_length=8, choices=settings.LANGUAGES, default="de"
    )
    website = models.URLField(_("website"), blank=True)
    imprint_url = models.URLField(_("imprint"), blank=True)
    privacy_url = models.URLField(_("privacy policy"), blank=True)
    # Where people reach this carecast: every link it sends out (invitations, media the
    # networks fetch) starts here, so it must be the address the outside world sees.
    public_url = models.URLField(_("public address of carecast"), blank=True)
    # Copies of other people's comments are kept only this long (GDPR Art. 5; inbox.retention).
    comment_retention_days = models.PositiveSmallIntegerField(
        _("keep comments for (days)"), default=90, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class DepartmentQuerySet(models.QuerySet):
    def active(self) -> DepartmentQuerySet:
        """Departments that may be picked for new things (not archived)."""
        return self.filter(archived=False)

    def for_picker(self, organisation, keep=()) -> DepartmentQuerySet:
        """What a department picker offers: the active ones, plus any already chosen in
        ``keep`` (ids), so that editing something of an archived department still saves."""
        kept = [int(k) for k in keep if str(k or "").isdigit()]
        return self.filter(organisation=organisation).filter(
            models.Q(archived=False) | models.Q(pk__in=kept)
        )


class Department(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField()
    topics = models.TextField(
        _("topic keywords"), blank=True, help_text=_("Comma-separated, e.g. Diabetes, Insulin")
    )
    # Archived departments keep their stories, channels and history, but are no longer offered.
    archived = models.BooleanField(_("archived"), default=False)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="department_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Communications lead")
    EDITOR = "editor", _("Communications team")
    DEPARTMENT_EDITOR = "department_editor", _("Department editor")
    VIEWER = "viewer", _("Read only")


class Person(models.Model):
    """A user's place in the organisation: role and, for department editors, their department."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.EDITOR)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def can_publish(self) -> bool:
        return self.role in {Role.ADMIN, Role.EDITOR, Role.DEPARTMENT_EDITOR}

    @property
    def in_comms_team(self) -> bool:
        """The communications department itself, not a department editor or a viewer."""
        return self.role in {Role.ADMIN, Role.EDITOR}


class Invitation(models.Model):
    """A one-time link that lets an invited person set their first password.

    Only a hash of the token is stored, so a leaked database cannot be used to sign in.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person} ({self.created_at:%Y-%m-%d})"


class AuditLog(models.Model):
    """Who did what, when: append-only, written by service functions."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    subject = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # What the entry is about (``audit_labels.OBJECT_TYPE_LABELS``: "story", "publication", …) and its id.
    # Plain values, not a foreign key: core imports no other app, and the log outlives objects.
    object_type = models.CharField(max_length=32, blank=True, default="")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        # The log page filters one organisation by person, object or action, newest first;
        # a story or post page asks for one object's history.
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="audit_org_time"),
            models.Index(fields=["organisation", "actor", "-created_at"], name="audit_org_actor"),
            models.Index(fields=["organisation", "action", "-created_at"], name="audit_org_action"),
            models.Index(
                fields=["organisation", "object_type", "object_id"], name="audit_org_object"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.subject}"
