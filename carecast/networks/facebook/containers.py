"""Meta's two-step publishing, shared by Instagram and Threads: a container, then publish.

Both networks build a container per image (``image_url`` they download themselves, from
a signed public address), wait until its status says FINISHED, and only then turn it into
a post; they differ in the edge names and in which field carries the status.
"""

from __future__ import annotations

import time
from typing import ClassVar

from carecast.networks.base import ConnectorError, MediaFile
from carecast.networks.facebook.graph import GraphConnector

POLLS = 10  # status checks before giving the container back to the retry schedule


class ContainerConnector(GraphConnector):
    """A Graph connector whose posts are made from containers."""

    container_edge: ClassVar[str]  # "media" (Instagram), "threads" (Threads)
    status_field: ClassVar[str]  # "status_code" (Instagram), "status" (Threads)
    error_field: ClassVar[str]  # the human-readable reason next to it
    image_fields: ClassVar[dict[str, str]] = {}  # extra fields of an image container
    poll_interval = 2.0  # seconds between status checks (0 in tests against the sandbox)

    def _public_url(self, item: MediaFile) -> str:
        from carecast.lib.media_urls import BucketError, signed_url

        try:
            return signed_url(item.path, str(self.account.config.get("public_base") or ""))
        except ValueError as exc:
            message = f"{self.label}: {item.path.name} is not a media file"
            raise ConnectorError(message, permanent=True) from exc
        except BucketError as exc:
            raise ConnectorError(f"{self.label}: the media {exc}", retry_after=300) from exc

    def _video(self, post_media: tuple[MediaFile, ...], media_type: str) -> dict[str, str]:
        """A video container's fields (Meta downloads the clip from ``video_url`` and
        processes it; the status polling below waits for that). One video, nothing else."""
        if len(post_media) != 1:
            raise ConnectorError(f"{self.label}: a video goes out alone.", permanent=True)
        return {"media_type": media_type, "video_url": self._public_url(post_media[0])}

    def _image(self, item: MediaFile) -> dict[str, str]:
        url = self._public_url(item)
        body = {**self.image_fields, "image_url": url}
        if item.alt_text.strip():
            body["alt_text"] = item.alt_text
        return body

    def _create(self, body: dict[str, str]) -> str:
        action = "Could not prepare the post"
        data = self.request("POST", f"{self.object_id}/{self.container_edge}", action, data=body)
        if not data.get("id"):
            raise ConnectorError(f"{action} ({self.label}): no container id")
        return str(data["id"])

    def _wait_until_ready(self, container: str) -> None:
        """Poll the status until FINISHED; ERROR and EXPIRED fail with Meta's words."""
        params = {"fields": f"{self.status_field},{self.error_field}"}
        for attempt in range(POLLS):
            data = self.request("GET", container, "Could not check the container", params=params)
            status = data.get(self.status_field)
            if status == "FINISHED":
                return
            if status in ("ERROR", "EXPIRED"):
                why = data.get(self.error_field) or status
                raise ConnectorError(f"{self.label} could not process it: {why}", permanent=True)
            if attempt < POLLS - 1 and self.poll_interval:
                time.sleep(self.poll_interval)
        raise ConnectorError(
            f"{self.label} is still processing the post; trying again later.", retry_after=60
        )

    def _permalink(self, media_id: str) -> str:
        """Where the post can be seen; the post exists either way, so a failure here is ''."""
        try:
            data = self.request(
                "GET", media_id, "Could not read the link", params={"fields": "permalink"}
            )
        except ConnectorError:
            return ""
        return str(data.get("permalink") or "")
