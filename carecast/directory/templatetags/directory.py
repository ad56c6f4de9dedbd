from django import template

from carecast.directory import config

register = template.Library()


@register.simple_tag
def directory_name() -> str:
    """The directory's name for the login page's button, or "" when it is not configured."""
    settings = config.load()
    return settings.name if settings else ""
