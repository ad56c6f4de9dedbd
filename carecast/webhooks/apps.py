from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "carecast.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
