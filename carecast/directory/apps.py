from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "carecast.directory"
    label = "directory"
    verbose_name = "Directory sign-in (OpenID Connect)"
