from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

NETWORK_CHOICES = [("mastodon", "Mastodon"), ("bluesky", "Bluesky"), ("instagram", "Instagram")]


class PeerForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=NETWORK_CHOICES)
    profile = forms.CharField(
        label=_("Profile"),
        max_length=500,
        help_text=_(
            "Mastodon: @name@server; Bluesky: a handle such as klinikum.bsky.social; Instagram: "
            "@name (read through our own Instagram account); or the profile's address"
        ),
    )
    name = forms.CharField(label=_("Hospital"), max_length=200, required=False)
    server = forms.URLField(
        label=_("Server (optional)"),
        required=False,
        assume_scheme="https",
        help_text=_("Only if the profile is read from another server than its address says."),
    )
