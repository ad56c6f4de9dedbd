"""Sign-in with the hospital's directory: which directory group gives which role, and which
directory account (``sub``) is which person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Department, Organisation, Person, Role


class GroupRole(models.Model):
    """Members of ``group`` in the directory get ``role`` (and ``department``) in carecast."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="directory_groups"
    )
    group = models.CharField(_("group"), max_length=200)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["group"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "group"], name="directory_group_once")
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.role}"


class DirectoryAccount(models.Model):
    """The directory's stable id for a person (its ``sub`` at this issuer), never the e-mail."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="directory")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="directory_subject_once")
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"
