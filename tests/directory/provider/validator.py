"""What the provider says about a person: e-mail, names and the directory groups."""

from __future__ import annotations

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class DirectoryValidator(OAuth2Validator):
    # Like many hospital directories, groups come with the profile scope.
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

    def get_additional_claims(self, request):
        user = request.user
        entry = settings.PROVIDER["users"][user.username]
        return {
            "sub": entry["sub"],  # an opaque directory id, not the database key
            "email": user.email,
            "email_verified": entry.get("email_verified", True),
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            settings.PROVIDER.get("groups_claim", "groups"): sorted(
                user.groups.values_list("name", flat=True)
            ),
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        if settings.PROVIDER.get("groups_only_in_userinfo"):
            # As some directories do: a small ID token, the groups from the userinfo endpoint.
            claims.pop(settings.PROVIDER.get("groups_claim", "groups"), None)
        if settings.PROVIDER.get("audience"):
            # A directory that issues the token for another client.
            claims["aud"] = settings.PROVIDER["audience"]
        return claims, expiration_time
