"""Signed, expiring public media addresses (Instagram and Threads fetch images from them)."""

from __future__ import annotations

import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from carecast.lib.media_urls import MAX_AGE, signed_url


def test_it_serves_a_file_at_its_signed_address_until_it_expires(anna, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("stories/kreisssaal.png", ContentFile(b"\x89PNG-bytes"))
    with time_machine.travel("2026-03-02 09:00", tick=False) as clock:
        url = signed_url(tmp_path / name, "http://carecast.example")
        path = url.removeprefix("http://carecast.example")
        response = client.get(path)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"\x89PNG-bytes"
        assert client.get(path.replace("/public-media/", "/public-media/x")).status_code == 404
        clock.shift(MAX_AGE + 1)
        assert client.get(path).status_code == 404


def test_it_refuses_files_outside_the_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    import pytest

    with pytest.raises(ValueError):
        signed_url(tmp_path / "secret.txt")
