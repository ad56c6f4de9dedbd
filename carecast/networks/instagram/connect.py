"""Connecting an Instagram professional account: Facebook Login for Business, then the
account linked to the chosen Page (``instagram_business_account`` in ``/me/accounts``,
https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login).
The Page token acts for the Instagram account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from carecast.networks.connect.base import ConnectedAccount, ConnectError
from carecast.networks.facebook.connect import SCOPES, WEBHOOK_SCOPE, MetaLoginFlow


class InstagramFlow(MetaLoginFlow):
    network = "instagram"

    @property
    def scopes(self) -> str:  # type: ignore[override]
        """Publishing, reading the account's media and comments, hiding comments; with
        webhooks configured also subscribing the Page and answering private messages."""
        own = f"{SCOPES} instagram_basic instagram_content_publish instagram_manage_comments"
        if settings.CARECAST_META_WEBHOOK_VERIFY_TOKEN:
            return f"{own} {WEBHOOK_SCOPE} instagram_manage_messages"
        return own

    def account_for(
        self, base: str, page: dict[str, Any], pending: dict[str, Any]
    ) -> ConnectedAccount:
        linked = page.get("instagram_business_account") or {}
        if not linked.get("id"):
            raise ConnectError(
                _("The Page %(page)s has no Instagram professional account linked to it.")
                % {"page": page.get("name") or page["id"]}
            )
        # Instagram fetches images from carecast's public address (signed media URLs).
        public_base = str(pending.get("redirect_uri", "")).split("/channels/")[0]
        return ConnectedAccount(
            remote_user_id=str(linked["id"]),
            handle=f"@{linked.get('username') or linked['id']}",
            base_url=base,
            credentials={"access_token": str(page["access_token"])},
            config={"page_id": str(page["id"]), "public_base": public_base},
        )
