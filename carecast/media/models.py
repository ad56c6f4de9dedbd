"""Uploads on their way in (chunk by chunk) and the versions of a clip made for a network."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Organisation
from carecast.stories.models import MediaAsset


class Work(models.TextChoices):
    """Where a piece of background work stands; the page shows it and polls until done."""

    WAITING = "waiting", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Upload(models.Model):
    """A file arriving in chunks: ``received`` bytes are on disk, in order, from byte 0.

    A browser that lost its connection asks how much arrived and sends the rest; the
    worker turns a complete file into a ``MediaAsset`` (``media.tasks.process_upload``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField()
    received = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=8, choices=Work.choices, default=Work.WAITING)
    error = models.TextField(blank=True)
    asset = models.ForeignKey(MediaAsset, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.filename

    @property
    def complete(self) -> bool:
        return self.received >= self.size_bytes


class Rendition(models.Model):
    """A clip made to fit one network (``key``: a row of ``video_limits.LIMITS``)."""

    class Mode(models.TextChoices):
        CROP = "crop", _("crop around the focus point")
        PAD = "pad", _("show everything, blurred edges")

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    key = models.CharField(max_length=32)
    mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.CROP)
    focus_x = models.FloatField(default=0.5)
    focus_y = models.FloatField(default=0.5)
    burn_captions = models.BooleanField(default=False)
    source_captions = models.FileField(upload_to="captions/%Y/%m/", blank=True)
    state = models.CharField(max_length=8, choices=Work.choices, default=Work.WAITING)
    progress = models.FloatField(default=0.0)
    file = models.FileField(upload_to="media/%Y/%m/", blank=True)
    captions = models.FileField(upload_to="media/%Y/%m/", blank=True)  # sidecar WebVTT
    probe = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.asset} → {self.key}"
