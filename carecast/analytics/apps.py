from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "carecast.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Links in outgoing posts become tracked links (publishing knows nothing of analytics).
        from carecast.analytics.links import track_link, track_text
        from carecast.publishing.dispatch import LINK_FILTERS, TEXT_FILTERS

        if track_text not in TEXT_FILTERS:
            TEXT_FILTERS.append(track_text)
        if track_link not in LINK_FILTERS:
            LINK_FILTERS.append(track_link)
