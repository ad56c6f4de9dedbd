from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "carecast.api"
    label = "api"
    verbose_name = "API"
