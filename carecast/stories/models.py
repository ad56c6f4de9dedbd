"""Stories (one topic), their per-channel variants, and the media library."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Department, Organisation
from carecast.networks.models import Channel


class Campaign(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="campaigns"
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class MusicLicence(models.TextChoices):
    OWN = "own", _("own recording")
    LICENSED = "licensed", _("licensed")
    COMMERCIAL_LIBRARY = "commercial_library", _("platform commercial library")
    NONE = "none", _("no licence")


class MediaAsset(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        VIDEO = "video", _("video")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(_("file"), upload_to="media/%Y/%m/")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.IMAGE)
    mime_type = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    alt_text = models.TextField(_("alt text"), blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    music_title = models.CharField(_("music"), max_length=200, blank=True)
    music_licence = models.CharField(
        _("music licence"), max_length=24, choices=MusicLicence.choices, blank=True
    )
    # Lower-case words the checks read (e.g. "vorher-nachher" for hwg.before_after).
    tags = models.JSONField(_("tags"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Video only: what ffprobe read (carecast.media.probe), a poster frame, small thumbnails,
    # and the point a 9:16 crop keeps in view (0..1 from the left and from the top).
    probe = models.JSONField(default=dict, blank=True)
    poster = models.FileField(upload_to="media/%Y/%m/", blank=True)
    thumbnails = models.JSONField(default=list, blank=True)
    focus_x = models.FloatField(default=0.5)
    focus_y = models.FloatField(default=0.5)
    # Uploaded in the composer and not yet kept by a saved story: hidden from the library so an
    # abandoned first try leaves no "alt text missing" photo behind; the hourly tidy drops it.
    draft = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("media file")
        verbose_name_plural = _("media library")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (self.file.name or "").rsplit("/", 1)[-1]


class PersonShown(models.Model):
    """A person recognisable in a media asset, with the consent that covers it (KUG § 22)."""

    class Consent(models.TextChoices):
        NONE = "none", _("no consent")
        GIVEN = "given", _("consent given")
        WITHDRAWN = "withdrawn", _("consent withdrawn")

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=200)
    consent = models.CharField(max_length=12, choices=Consent.choices, default=Consent.NONE)
    consent_reference = models.CharField(_("consent reference"), max_length=200, blank=True)
    is_patient = models.BooleanField(_("patient"), default=False)
    health_data_visible = models.BooleanField(_("health data visible (Art. 9 GDPR)"), default=False)
    # What the person agreed to: the consent record (KUG § 22, GDPR Art. 7/9).
    consent_all_channels = models.BooleanField(_("all channels"), default=False)
    consent_channels = models.ManyToManyField(
        Channel, blank=True, related_name="+", verbose_name=_("channels consented to")
    )
    consent_purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    consent_until = models.DateField(_("consent until"), null=True, blank=True)
    consent_document = models.FileField(_("signed consent"), upload_to="consent/%Y/", blank=True)
    art9_consent = models.BooleanField(
        _("explicit consent (Art. 9 GDPR) and release from confidentiality"), default=False
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person shown")
        verbose_name_plural = _("people shown")

    def __str__(self) -> str:
        return self.name


class Story(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="stories")
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="stories"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="stories"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), blank=True, max_length=1000)
    hashtags = models.CharField(_("hashtags"), max_length=500, blank=True)
    media = models.ManyToManyField(MediaAsset, blank=True, related_name="stories")
    evergreen = models.BooleanField(_("evergreen"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-created_at"]
        # The campaign page: a campaign's newest stories, and the newest without a campaign.
        indexes = [
            models.Index(
                fields=["organisation", "campaign", "-created_at"],
                name="stories_org_campaign_new",
            ),
            # PostgreSQL reads "campaign IS NULL" in order only from an index of its own.
            models.Index(
                fields=["organisation", "-created_at"],
                condition=models.Q(campaign=None),
                name="stories_org_no_campaign_new",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def hashtag_list(self) -> list[str]:
        tags = [t.strip().lstrip("#") for t in self.hashtags.replace(",", " ").split()]
        return [f"#{t}" for t in tags if t]


class Variant(models.Model):
    """The story fitted to one channel: its own text, the story's media."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="variants")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="variants")
    text = models.TextField(_("text"), blank=True)
    # Choices a network asks for each post (TikTok: privacy level, interactions, disclosure,
    # music confirmation; YouTube: title, privacy status, made for kids). See the network's
    # ``check_options``.
    options = models.JSONField(_("network options"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["story", "channel"], name="variant_story_channel_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.story} → {self.channel}"
