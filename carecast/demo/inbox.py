"""The demo's inbox: a handful of comments from other people, read through the real fetch path.

Other people on the sandbox answer the hospital's latest post on Mastodon, Bluesky and X
(as people do), then carecast reads each channel like the worker does every minute:
triaged at arrival, the emergency pinned and the person on duty (the demo's comms lead)
told.
"""

from __future__ import annotations

import httpx

from carecast.core.models import Organisation, Person, Role
from carecast.inbox.duty import take_over_now
from carecast.inbox.fetch import fetch_channel
from carecast.networks.models import Channel
from carecast.publishing.models import Publication, State

# (network, author, text) as people write them, oldest first; on the hospital's news channels.
COMMENTS = [
    (
        "x",  # on X the team can hide it under the post (inbox.hide)
        "gewinn_bonus",
        "Krypto-Gewinne garantiert!!! Jetzt klicken: http://gewinn.example/bonus",
    ),
    (
        "mastodon",
        "jonas_m",
        "Darf der Partner auf der Geburtsstation eigentlich auch nachts bleiben?",
    ),
    (
        "x",
        "petra_k",
        "Seit 40 Minuten in der Warteschleife der Terminvergabe. So geht das wirklich nicht.",
    ),
    (
        "bluesky",
        "lenas-mama.bsky.test",
        "Ein großes Dankeschön an das Team der Kinderklinik – so herzlich und geduldig!",
    ),
    (
        "x",
        "parkhaus_pete",
        "Die Parkgebühren vor eurer Notaufnahme – da kriegt man ja gleich nen Herzinfarkt 😂",
    ),
    (
        "mastodon",
        "hr_wagner",
        "Ich bin seit der Chemo im Sommer bei Ihnen in Behandlung und habe seitdem taube "
        "Finger. Ist das normal?",
    ),
    (
        "mastodon",
        "sorge_um_mama",
        "Meine Mutter (78) hat plötzlich starke Brustschmerzen und bekommt kaum Luft – "
        "sollen wir in die Notaufnahme fahren?",
    ),
]
HANDLES = {"mastodon": "klinikum", "bluesky": "klinikum.bsky.test", "x": "KlinikumMS"}


def seed_inbox(org: Organisation, sandbox_url: str) -> int:
    """Post the comments on the sandbox and read them in; returns how many items arrived."""
    channels = {
        c.network: c
        for c in Channel.objects.filter(organisation=org, network__in=list(HANDLES))
        if c.handle == HANDLES[c.network]
    }
    lead = Person.objects.filter(organisation=org, role=Role.ADMIN).first()
    if lead is not None:
        take_over_now(lead)  # someone is on duty when the emergency arrives
    with httpx.Client(base_url=sandbox_url, timeout=10) as client:
        for network, author, text in COMMENTS:
            if network in channels:
                _comment(client, channels[network], author, text)
    return sum(fetch_channel(channel).new for channel in channels.values())


def _comment(client: httpx.Client, channel: Channel, author: str, text: str) -> None:
    """An answer to the channel's latest published post, or a mention if it has none."""
    latest = (
        Publication.objects.filter(channel=channel, state=State.PUBLISHED)
        .order_by("-published_at")
        .values_list("remote_id", flat=True)
        .first()
    )
    where = {"reply_to": latest} if latest else {"account": channel.handle}
    spec = {"network": channel.network, "author": author, "text": text, **where}
    client.post("/_sandbox/visitors", json=spec).raise_for_status()
