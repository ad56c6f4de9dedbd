from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeersConfig(AppConfig):
    name = "carecast.peers"
    label = "peers"
    verbose_name = _("Peer hospitals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from carecast.peers import tasks  # noqa: F401  (registers Huey tasks)
