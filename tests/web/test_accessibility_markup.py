"""Accessibility details axe cannot judge alone: what a screen reader hears while typing in
the composer, and the names of links in the media library."""

from __future__ import annotations

from tests.web.test_composer import _form


def test_it_announces_a_short_status_instead_of_every_post(anna_client, mastodon, x_jobs):
    page = anna_client.get("/stories/new/").content.decode()
    assert '<div id="variants">' in page  # no live region re-reading ~1,100 characters
    assert '<p id="variants-status" class="visually-hidden" role="status"></p>' in page

    response = anna_client.post("/compose/live/variants/", _form([mastodon, x_jobs]))
    body = response.content.decode()
    status = body.split('<p id="variants-status" hx-swap-oob="innerHTML">', 1)[1].split("</p>")[0]
    assert status.strip() == "Beiträge für 2 Kanäle aktualisiert."

    long = _form([x_jobs], **{f"variant_{x_jobs.pk}": "Ä" * 400, f"edited_{x_jobs.pk}": "1"})
    body = anna_client.post("/compose/live/variants/", long).content.decode()
    status = body.split('hx-swap-oob="innerHTML">', 1)[1].split("</p>")[0]
    assert status.strip() == (
        "Beitrag für 1 Kanal aktualisiert. Mindestens ein Beitrag ist zu lang."
    )


def test_it_names_the_thumbnail_links_of_the_media_library(anna_client, org, media_root):
    from django.core.files.base import ContentFile

    from carecast.stories.models import MediaAsset
    from tests.web.test_rbac_matrix import _png

    asset = MediaAsset(organisation=org, kind="image", mime_type="image/png", alt_text="")
    asset.file.save("ohne-alt.png", ContentFile(_png()), save=True)
    html = anna_client.get("/media-library/").content.decode()
    link = html.split('<a class="asset-thumb"', 1)[1].split(">", 1)[0]
    assert f'aria-label="Öffnen: {asset}"' in link
