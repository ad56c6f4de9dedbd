"""OpenID Connect sign-in (authorization code + PKCE) and the group → role mapping.

Protocol: OpenID Connect Core 1.0 (https://openid.net/specs/openid-connect-core-1_0.html),
Discovery 1.0 (https://openid.net/specs/openid-connect-discovery-1_0.html), PKCE (RFC 7636).
Every request to the directory goes through ``carecast.lib.http``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from carecast.core import audit
from carecast.core.models import Department, Organisation, Person, Role
from carecast.directory.config import DirectoryConfig
from carecast.directory.models import DirectoryAccount, GroupRole
from carecast.lib.http import make_client

SESSION_KEY = "directory_signin"
ID_TOKEN_KEY = "directory_id_token"  # noqa: S105 (a session key, not a secret)
# With several mapped groups, the strongest role wins.
STRENGTH = [Role.ADMIN, Role.EDITOR, Role.DEPARTMENT_EDITOR, Role.VIEWER]


class SignInRefused(Exception):
    """The sign-in cannot go on; the message is for the person (German in the UI)."""


@dataclass(frozen=True)
class Started:
    url: str
    state: dict[str, str]


def _client(settings: DirectoryConfig) -> httpx.Client:
    return make_client(guard=settings.allow_hosts)


def discover(settings: DirectoryConfig) -> dict[str, Any]:
    """The provider's discovery document; its issuer must be the one configured."""
    try:
        with _client(settings) as client:
            response = client.get(f"{settings.issuer}/.well-known/openid-configuration")
            response.raise_for_status()
            document = response.json()
    except (httpx.HTTPError, ValueError):
        raise SignInRefused(_("The directory cannot be reached. Please try again later.")) from None
    if document.get("issuer", "").rstrip("/") != settings.issuer:
        raise SignInRefused(_("The directory answered with another issuer; sign-in stopped."))
    return document


def start(settings: DirectoryConfig, redirect_uri: str) -> Started:
    """The provider's address to send the browser to, and what to keep in the session."""
    document = discover(settings)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    query = {
        "response_type": "code",
        "client_id": settings.client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    url = f"{document['authorization_endpoint']}?{urlencode(query)}"
    kept = {"state": state, "nonce": nonce, "verifier": verifier, "redirect_uri": redirect_uri}
    return Started(url=url, state=kept)


@dataclass(frozen=True)
class SignedIn:
    claims: dict[str, Any]
    id_token: str  # kept in the session: the directory's logout asks for it as a hint


def finish(settings: DirectoryConfig, kept: dict | None, params: dict[str, str]) -> SignedIn:
    """The verified claims (ID token, groups from userinfo if needed) for the answer ``params``."""
    if not kept or not params.get("state") or params.get("state") != kept.get("state"):
        raise SignInRefused(_("This sign-in link is not valid (any more). Please start again."))
    if params.get("error"):
        raise SignInRefused(_("The directory did not sign you in."))
    document = discover(settings)
    form = {
        "grant_type": "authorization_code",
        "code": params.get("code", ""),
        "redirect_uri": kept["redirect_uri"],
        "client_id": settings.client_id,
        "client_secret": settings.client_secret,
        "code_verifier": kept["verifier"],
    }
    try:
        with _client(settings) as client:
            response = client.post(document["token_endpoint"], data=form)
            response.raise_for_status()
            tokens = response.json()
            keys = client.get(document["jwks_uri"])
            keys.raise_for_status()
            key_set = KeySet.import_key_set(keys.json())
            claims = verify(settings, tokens["id_token"], key_set, kept["nonce"])
            if settings.groups_claim not in claims:
                claims = _with_userinfo(client, document, tokens.get("access_token"), claims)
    except (httpx.HTTPError, ValueError, KeyError):
        raise SignInRefused(_("The directory did not confirm the sign-in.")) from None
    return SignedIn(claims=claims, id_token=tokens["id_token"])


def _with_userinfo(client: httpx.Client, document: dict, access_token, claims: dict) -> dict:
    """Adds what the userinfo endpoint says (some directories send the groups only there).

    Its ``sub`` must be the ID token's (OpenID Connect Core 1.0, 5.3.2); the ID token's own
    claims win over anything userinfo repeats.
    """
    endpoint = document.get("userinfo_endpoint")
    if not endpoint or not access_token:
        return claims
    response = client.get(endpoint, headers={"Authorization": f"Bearer {access_token}"})
    response.raise_for_status()
    info = response.json()
    if not isinstance(info, dict) or str(info.get("sub")) != str(claims["sub"]):
        raise SignInRefused(_("The directory's answer could not be verified."))
    return {**info, **claims}


def end_session_url(settings: DirectoryConfig, id_token: str, return_to: str) -> str | None:
    """The directory's logout address (RP-Initiated Logout 1.0), or ``None`` if it has none.

    https://openid.net/specs/openid-connect-rpinitiated-1_0.html — without it the directory
    keeps its own session, and the next "Mit … anmelden" on a shared ward PC signs the
    previous person in again without asking.
    """
    try:
        endpoint = discover(settings).get("end_session_endpoint")
    except SignInRefused:
        return None  # signing out of carecast must never wait for the directory
    if not endpoint:
        return None
    query = {
        "id_token_hint": id_token,
        "client_id": settings.client_id,
        "post_logout_redirect_uri": return_to,
    }
    return f"{endpoint}?{urlencode(query)}"


def verify(settings: DirectoryConfig, id_token: str, key_set: KeySet, nonce: str) -> dict:
    """Signature against the provider's keys, then issuer, audience, expiry and nonce."""
    try:
        token = jwt.decode(id_token, key_set, algorithms=["RS256", "ES256", "PS256"])
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": settings.issuer},
            aud={"essential": True, "value": settings.client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError):
        raise SignInRefused(_("The directory's answer could not be verified.")) from None
    return token.claims


def organisation() -> Organisation:
    """The installation's organisation (one per installation)."""
    found = Organisation.objects.order_by("pk").first()
    if found is None:
        raise SignInRefused(_("carecast is not set up yet."))
    return found


def role_for(org: Organisation, groups: list[str]) -> GroupRole | None:
    """The strongest mapping among the person's groups, or ``None``."""
    mapped = list(GroupRole.objects.filter(organisation=org, group__in=groups))
    mapped.sort(key=lambda m: STRENGTH.index(Role(m.role)))
    return mapped[0] if mapped else None


@transaction.atomic
def person_for(settings: DirectoryConfig, claims: dict) -> Person:
    """Finds the person by ``sub`` (or adds them) and sets their role from their groups."""
    org = organisation()
    groups = claims.get(settings.groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    mapping = role_for(org, [str(g) for g in groups])
    account = (
        DirectoryAccount.objects.select_related("person__user")
        .filter(issuer=settings.issuer, subject=str(claims["sub"]))
        .first()
    )
    if account is not None and not account.person.user.is_active:
        raise SignInRefused(_("Your access to carecast has been switched off."))
    if mapping is None:
        raise SignInRefused(
            _(
                "Your directory groups give you no role in carecast. Please ask the communications lead to assign your group."
            )
        )
    if account is None:
        person = _local_with_same_email(org, claims)
        if person is None:
            person = _add(org, claims, mapping)
            audit.record(
                org, "person.added_from_directory", str(person), about=person, role=mapping.role
            )
        else:
            audit.record(org, "person.linked_to_directory", str(person), about=person)
        account = DirectoryAccount.objects.create(
            person=person, issuer=settings.issuer, subject=str(claims["sub"])
        )
    person = account.person
    if _last_lead(person) and mapping.role != Role.ADMIN:
        # A mistyped mapping must not leave the organisation without anyone to correct it.
        audit.record(org, "person.directory_role_kept", str(person), about=person)
        return person
    if person.role != mapping.role or person.department_id != mapping.department_id:
        old = person.role
        person.role, person.department = mapping.role, mapping.department
        person.save(update_fields=["role", "department"])
        audit.record(
            org, "person.role_from_directory", str(person), about=person, old=old, new=person.role
        )
    return person


def _last_lead(person: Person) -> bool:
    others = Person.objects.filter(
        organisation=person.organisation, role=Role.ADMIN, user__is_active=True
    ).exclude(pk=person.pk)
    return person.role == Role.ADMIN and not others.exists()


def _local_with_same_email(org: Organisation, claims: dict) -> Person | None:
    """A local account of this organisation with the e-mail the directory vouches for.

    Linked only when the directory says the address is verified (``email_verified``): the
    issuer is the hospital's own directory, configured by the admin. Otherwise the same
    address would become a second person, which the team page refuses as well.
    """
    email = str(claims.get("email") or "").strip()
    if not email:
        return None
    person = (
        Person.objects.select_related("user")
        .filter(organisation=org, user__email__iexact=email, directory__isnull=True)
        .first()
    )
    if person is None:
        return None
    if claims.get("email_verified") is not True:
        raise SignInRefused(
            _(
                "Someone with this e-mail address already signs in with a password. The directory did not confirm the address, so the accounts were not joined."
            )
        )
    if not person.user.is_active:
        raise SignInRefused(_("Your access to carecast has been switched off."))
    return person


def _add(org: Organisation, claims: dict, mapping: GroupRole) -> Person:
    User = get_user_model()
    base = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])[:140]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User.objects.create_user(
        username,
        str(claims.get("email", "")),
        None,  # no password: this person signs in through the directory
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
    )
    return Person.objects.create(
        user=user, organisation=org, role=mapping.role, department=mapping.department
    )


def save_mapping(org: Organisation, actor, group: str, role: str, department: Department | None):
    """Adds or changes one group's role; audited."""
    mapping, created = GroupRole.objects.update_or_create(
        organisation=org,
        group=group,
        defaults={
            "role": role,
            "department": department if role == Role.DEPARTMENT_EDITOR else None,
        },
    )
    audit.record(
        org,
        "organisation.directory_group_set",
        group,
        actor,
        role=role,
        in_department=mapping.department_id,
        created=created,
    )
    return mapping


def delete_mapping(mapping: GroupRole, actor) -> None:
    org, group = mapping.organisation, mapping.group
    mapping.delete()
    audit.record(org, "organisation.directory_group_removed", group, actor)
