from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "carecast.live"
    label = "live"
    verbose_name = _("Live consultation")
    default_auto_field = "django.db.models.BigAutoField"
