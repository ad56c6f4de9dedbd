"""Why a source could not be read, in the reader's language rather than the worker's."""

from __future__ import annotations

from django.utils.translation import gettext


class SourceError(Exception):
    """Keeps the untranslated message and its values; ``str()`` translates into the active language.

    Raise with ``gettext_noop("...")`` (under that name, so makemessages finds it).

    The worker records ``msgid`` and ``params`` on the source, so the source's page can show
    the error in German to one person and in English to the next.
    """

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = {key: str(value) for key, value in params.items()}

    def __str__(self) -> str:
        return render(self.msgid, self.params)


def render(msgid: str, params: dict[str, str] | None) -> str:
    """``msgid`` translated and filled; a ``reason`` parameter is itself a message, translated too."""
    text = gettext(msgid)
    if not params:
        return text
    if params.get("reason"):
        reason = gettext(params["reason"])
        params = {**params, "reason": reason % params if "%(" in reason else reason}
    return text % params
