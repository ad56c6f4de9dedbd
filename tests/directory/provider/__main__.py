"""Starts the provider: binds a free port on 127.0.0.1, makes its RSA key, sets up its
database (copied from a migrated template when the suite has one), adds the test's users,
groups and carecast as a client, prints ``PORT <n>`` and serves until terminated."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from jwcrypto import jwk


def _keys(rogue: bool) -> tuple[str, dict | None]:
    """The signing key (PEM) and, for the rogue mode, another key published under its id."""
    key = jwk.JWK.generate(kty="RSA", size=2048)
    public = None
    if rogue:
        other = jwk.JWK.generate(kty="RSA", size=2048)
        public = {**other.export_public(as_dict=True), "kid": key.thumbprint(), "alg": "RS256"}
    return key.export_to_pem(private_key=True, password=None).decode(), public


def _database(config: dict) -> None:
    from django.core.management import call_command

    template = config.get("template")
    if template and Path(template).exists():
        shutil.copyfile(template, config["database"])
        return
    call_command("migrate", verbosity=0, interactive=False)
    if template:  # the next provider in this run starts without migrating
        partial = f"{template}.{os.getpid()}"
        shutil.copyfile(config["database"], partial)
        os.replace(partial, template)


def _seed(config: dict) -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    for username, entry in config["users"].items():
        user = User.objects.create_user(
            username,
            entry.get("email", ""),
            entry["password"],
            first_name=entry.get("given_name", ""),
            last_name=entry.get("family_name", ""),
        )
        for name in entry.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    Application.objects.create(
        name="carecast",
        client_id=config["client_id"],
        client_secret=config["client_secret"],  # stored hashed by the toolkit
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        post_logout_redirect_uris=" ".join(config.get("post_logout_redirect_uris", [])),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,  # the hospital's own application: no consent screen
    )


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        config = json.load(handle)
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    port = server.server_address[1]
    private_key, rogue_public = _keys(bool(config.get("rogue")))
    config.update(
        issuer=f"http://127.0.0.1:{port}/o", private_key=private_key, rogue_public_jwk=rogue_public
    )
    os.environ["PROVIDER_CONFIG"] = json.dumps(config)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.directory.provider.settings"

    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    _database(config)
    _seed(config)
    server.set_app(get_wsgi_application())
    print(f"PORT {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
