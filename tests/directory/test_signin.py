"""Sign-in with the directory against a real OpenID Connect provider on 127.0.0.1."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.urls import reverse

from carecast.core.models import AuditLog, Person, Role
from carecast.directory import service
from carecast.directory.models import DirectoryAccount, GroupRole

pytestmark = pytest.mark.django_db


def _through_provider(client, directory, username, password, state=None, http=None):
    """Starts at carecast, signs in on the provider's login page, comes back with its answer.

    ``http`` is the browser's side at the provider (its session cookie); a fresh one if not given.
    """
    started = client.get(reverse("directory:start"))
    assert started.status_code == 302, started.content
    authorize = started["Location"]
    query = dict(parse_qsl(urlsplit(authorize).query))
    assert authorize.startswith(f"{directory.issuer}/authorize/")
    assert query["code_challenge_method"] == "S256"
    assert query["scope"] == "openid email profile"
    own = http is None
    http = http or httpx.Client()
    try:
        to_login = http.get(authorize)
        assert to_login.status_code == 302, to_login.text
        login_url = directory.origin + to_login.headers["location"]
        http.get(login_url).raise_for_status()
        signed_in = http.post(
            login_url,
            data={
                "csrfmiddlewaretoken": http.cookies["provider_csrftoken"],
                "username": username,
                "password": password,
                "next": dict(parse_qsl(urlsplit(login_url).query))["next"],
            },
        )
        assert signed_in.status_code == 302, signed_in.text
        answer = http.get(directory.origin + signed_in.headers["location"])
    finally:
        if own:
            http.close()
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    params = dict(parse_qsl(back.query))
    if state is not None:
        params["state"] = state
    return client.get(back.path, params)


def _map(org, group, role, department=None):
    return GroupRole.objects.create(organisation=org, group=group, role=role, department=department)


def test_it_adds_a_new_person_with_the_mapped_role(client, org, directory):
    _map(org, "KOMM-Team", Role.EDITOR)
    _map(org, "Alle", Role.VIEWER)

    response = _through_provider(client, directory, "erika", "pw-erika")

    assert response.status_code == 302 and response["Location"] == "/"
    account = DirectoryAccount.objects.get(subject="00u-erika")
    assert account.issuer == directory.issuer
    person = account.person
    assert person.role == Role.EDITOR  # the strongest of her groups
    assert person.user.email == "erika@klinikum.test"
    assert not person.user.has_usable_password()
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert AuditLog.objects.filter(action="person.added_from_directory").count() == 1


def test_it_updates_an_existing_persons_role_from_the_groups(client, org, geburtshilfe, directory):
    _map(org, "KOMM-Team", Role.DEPARTMENT_EDITOR, geburtshilfe)
    _through_provider(client, directory, "erika", "pw-erika")
    client.logout()
    GroupRole.objects.filter(group="KOMM-Team").update(role=Role.ADMIN, department=None)

    _through_provider(client, directory, "erika", "pw-erika")

    person = Person.objects.get(directory__subject="00u-erika")
    assert (person.role, person.department) == (Role.ADMIN, None)
    assert Person.objects.count() == 1
    assert AuditLog.objects.filter(action="person.role_from_directory").count() == 1


def test_it_joins_a_local_account_with_the_verified_same_email(client, org, ben, directory):
    _map(org, "KOMM-Team", Role.VIEWER)

    _through_provider(client, directory, "ben", "pw-ben-directory")

    ben.refresh_from_db()
    assert ben.directory.subject == "00u-ben"
    assert ben.role == Role.VIEWER  # from the directory from now on
    assert Person.objects.count() == 1
    assert int(client.session["_auth_user_id"]) == ben.user.pk


def test_it_does_not_join_an_unverified_same_email(client, org, clara, directory):
    _map(org, "KOMM-Team", Role.EDITOR)

    response = _through_provider(client, directory, "clara", "pw-clara-directory")

    assert response.status_code == 403
    assert "nicht verknüpft" in response.content.decode()
    assert Person.objects.count() == 1 and not DirectoryAccount.objects.exists()


def test_it_keeps_the_last_lead_a_lead_whatever_the_groups_say(client, org, directory):
    _map(org, "KOMM-Team", Role.ADMIN)
    _through_provider(client, directory, "erika", "pw-erika")
    client.logout()
    GroupRole.objects.filter(group="KOMM-Team").update(role=Role.VIEWER)

    _through_provider(client, directory, "erika", "pw-erika")

    assert Person.objects.get(directory__subject="00u-erika").role == Role.ADMIN
    assert AuditLog.objects.filter(action="person.directory_role_kept").count() == 1


def test_it_asks_a_lead_from_the_directory_for_two_factor_too(client, org, directory, settings):
    settings.CARECAST_TWO_FACTOR_FOR_LEADS = True
    _map(org, "KOMM-Team", Role.ADMIN)
    _through_provider(client, directory, "erika", "pw-erika")

    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor:setup"))


def test_it_refuses_a_person_whose_groups_map_to_no_role(client, org, directory):
    _map(org, "KOMM-Team", Role.EDITOR)

    response = _through_provider(client, directory, "otto", "pw-otto")

    assert response.status_code == 403
    assert "Ihre Verzeichnisgruppen geben Ihnen keine Rolle" in response.content.decode()
    assert not Person.objects.exists()
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_deactivated_person(client, org, directory):
    _map(org, "KOMM-Team", Role.EDITOR)
    _through_provider(client, directory, "erika", "pw-erika")
    client.logout()
    Person.objects.get().user.__class__.objects.update(is_active=False)

    response = _through_provider(client, directory, "erika", "pw-erika")

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_wrong_state(client, org, directory):
    _map(org, "KOMM-Team", Role.EDITOR)

    response = _through_provider(client, directory, "erika", "pw-erika", state="forged")

    assert response.status_code == 403
    assert "nicht (mehr) gültig" in response.content.decode()
    assert not Person.objects.exists()


def test_it_refuses_a_token_signed_by_another_key(client, org, directory_factory):
    directory = directory_factory(rogue=True)
    _map(org, "KOMM-Team", Role.EDITOR)

    response = _through_provider(client, directory, "erika", "pw-erika")

    assert response.status_code == 403
    assert "konnte nicht geprüft werden" in response.content.decode()
    assert not Person.objects.exists()


def test_it_checks_audience_issuer_expiry_and_nonce_of_the_id_token(org, directory):
    from joserfc import jwt
    from joserfc.jwk import KeySet, RSAKey

    from carecast.directory import config

    real = config.load()
    key = RSAKey.generate_key(2048, parameters={"kid": "k"}, private=True)
    keys = KeySet.import_key_set({"keys": [key.as_dict(private=False)]})
    good = {"iss": real.issuer, "aud": "carecast", "sub": "x", "exp": 4102444800, "nonce": "n"}

    def token(**changes):
        return jwt.encode({"alg": "RS256", "kid": "k"}, {**good, **changes}, key)

    assert service.verify(real, token(), keys, "n")["sub"] == "x"
    for bad in (
        {"aud": "someone-else"},
        {"iss": "http://127.0.0.1:9"},
        {"exp": 1_000_000_000},  # 2001: long expired, whatever today is
        {"nonce": "another"},
    ):
        with pytest.raises(service.SignInRefused):
            service.verify(real, token(**bad), keys, "n")


def test_it_returns_to_the_page_asked_for_and_not_elsewhere(client, org, directory):
    _map(org, "KOMM-Team", Role.EDITOR)
    client.get(reverse("directory:start"), {"next": "/stories/"})
    kept = client.session[service.SESSION_KEY]
    assert kept["next"] == "/stories/"
    client.get(reverse("directory:start"), {"next": "https://evil.example/"})
    assert "next" not in client.session[service.SESSION_KEY]


def test_it_keeps_local_sign_in_and_shows_the_directory_button_only_when_configured(
    client, org, monkeypatch
):
    monkeypatch.delenv("CARECAST_OIDC_ISSUER", raising=False)
    page = client.get(reverse("login")).content.decode()
    assert "Klinik-Verzeichnis" not in page and 'name="password"' in page
    assert client.get(reverse("directory:start")).status_code == 404

    monkeypatch.setenv("CARECAST_OIDC_ISSUER", "http://127.0.0.1:9")
    monkeypatch.setenv("CARECAST_OIDC_CLIENT_ID", "carecast")
    monkeypatch.setenv("CARECAST_OIDC_NAME", "Klinik-Verzeichnis")
    page = client.get(reverse("login")).content.decode()
    assert "Mit Klinik-Verzeichnis anmelden" in page and 'name="password"' in page


def _id_token_claims(client) -> dict:
    payload = client.session[service.ID_TOKEN_KEY].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_it_reads_the_groups_from_userinfo_when_the_id_token_has_none(
    client, org, directory_factory
):
    directory = directory_factory(groups_only_in_userinfo=True)
    _map(org, "KOMM-Team", Role.EDITOR)

    response = _through_provider(client, directory, "erika", "pw-erika")

    assert response.status_code == 302 and response["Location"] == "/"
    assert "groups" not in _id_token_claims(client)  # they came from the userinfo endpoint
    assert Person.objects.get(directory__subject="00u-erika").role == Role.EDITOR


@pytest.mark.parametrize(
    "misbehaviour",
    [{"audience": "intranet-portal"}, {"id_token_lifetime": -600}],
    ids=["issued-for-another-client", "already-expired"],
)
def test_it_refuses_an_id_token_from_the_provider_that_is_not_for_it_now(
    client, org, directory_factory, misbehaviour
):
    directory = directory_factory(**misbehaviour)
    _map(org, "KOMM-Team", Role.EDITOR)

    response = _through_provider(client, directory, "erika", "pw-erika")

    assert response.status_code == 403
    assert "konnte nicht geprüft werden" in response.content.decode()
    assert not Person.objects.exists() and "_auth_user_id" not in client.session


def test_it_signs_out_of_the_directory_too(client, org, directory):
    _map(org, "KOMM-Team", Role.EDITOR)
    with httpx.Client() as http:
        _through_provider(client, directory, "erika", "pw-erika", http=http)
        again = http.get(client.get(reverse("directory:start"))["Location"])
        assert again.headers["location"].startswith("http://testserver/")  # no password asked

        out = client.post(reverse("logout"))

        assert "_auth_user_id" not in client.session
        end = urlsplit(out["Location"])
        assert f"{end.scheme}://{end.netloc}{end.path}" == f"{directory.issuer}/logout/"
        assert dict(parse_qsl(end.query))["post_logout_redirect_uri"] == "http://testserver/login/"
        back = http.get(out["Location"])
        assert back.status_code == 302 and back.headers["location"] == "http://testserver/login/"
        after = http.get(client.get(reverse("directory:start"))["Location"])
        assert after.headers["location"].startswith("/accounts/login/")  # asked again


def test_it_signs_a_local_person_out_without_the_directory(client, org, ben, directory):
    client.force_login(ben.user)

    out = client.post(reverse("logout"))

    assert out.status_code == 302 and out["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
