from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "carecast.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from carecast.publishing import tasks  # noqa: F401  (registers Huey tasks)
