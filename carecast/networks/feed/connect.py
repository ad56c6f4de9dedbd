"""A website feed channel: nothing to sign in to, only a name and a path."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.networks.connect.base import ConnectedAccount, ConnectError, FormField, FormFlow

_PATH = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class FeedFlow(FormFlow):
    network = "feed"
    reconnectable = False

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "path",
                gettext_lazy("Path"),
                gettext_lazy("A short name for the feed's address, e.g. news or jobs."),
            )
        ]

    def connect(self, data: dict[str, str]) -> ConnectedAccount:
        path = data.get("path", "").strip().strip("/").lower()
        if not _PATH.match(path):
            raise ConnectError(
                _("Use lower-case letters, digits and hyphens for the path, e.g. news.")
            )
        # The address (/feeds/<channel id>.xml) is known once the channel is saved.
        return ConnectedAccount(remote_user_id=path, handle=path, base_url="", credentials={})
