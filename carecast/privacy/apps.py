from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "carecast.privacy"
    label = "privacy"
    verbose_name = "Personal data"
