"""Who receives the monthly report, in which language, and which month went out last."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Organisation


class ReportSettings(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="report_settings"
    )
    # One address per line; the lead keeps this list (management, board, press office).
    recipients = models.TextField(_("recipients"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=[("de", "Deutsch"), ("en", "English")], default="de"
    )
    # "YYYY-MM" of the last report e-mailed, so a restarted worker never sends one twice.
    last_sent_month = models.CharField(max_length=7, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]
