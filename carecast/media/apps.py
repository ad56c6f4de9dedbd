from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "carecast.media"
    label = "media"
    verbose_name = "Media pipeline"
    default_auto_field = "django.db.models.BigAutoField"
