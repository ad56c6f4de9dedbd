"""A small but real OpenID Connect provider for tests, run as its own process on 127.0.0.1.

Speaks discovery, the authorization endpoint (with a login form), the token endpoint
(client secret + PKCE S256 checked) and JWKS. Its RSA key is made at start; with
``"rogue": true`` it signs ID tokens with a second key it does not publish.

    python -m tests.oidc_provider CONFIG.json   # prints "PORT <n>" when it listens
"""

from __future__ import annotations

import html
import json
import secrets
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import RSAKey


class Provider:
    def __init__(self, config: dict) -> None:
        self.config = config
        self.key = RSAKey.generate_key(2048, parameters={"kid": "signing"}, private=True)
        self.rogue_key = RSAKey.generate_key(2048, parameters={"kid": "signing"}, private=True)
        self.codes: dict[str, dict] = {}
        self.issuer = ""

    def id_token(self, grant: dict) -> str:
        user = self.config["users"][grant["username"]]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.config["client_id"],
            "sub": user["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "email": user.get("email", ""),
            "email_verified": user.get("email_verified", True),
            "preferred_username": grant["username"],
            "given_name": user.get("given_name", ""),
            "family_name": user.get("family_name", ""),
            self.config.get("groups_claim", "groups"): user.get("groups", []),
        }
        key = self.rogue_key if self.config.get("rogue") else self.key
        return jwt.encode({"alg": "RS256", "kid": "signing"}, claims, key)


def handler_for(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet in test output
            pass

        def _send(self, status: int, body: str, kind: str = "application/json", **headers) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length", "0"))
            parsed = parse_qs(self.rfile.read(length).decode())
            return {k: v[0] for k, v in parsed.items()}

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/.well-known/openid-configuration":
                issuer = provider.issuer
                document = {
                    "issuer": issuer,
                    "authorization_endpoint": f"{issuer}/authorize",
                    "token_endpoint": f"{issuer}/token",
                    "jwks_uri": f"{issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                }
                self._send(200, json.dumps(document))
            elif parts.path == "/jwks":
                self._send(200, json.dumps({"keys": [provider.key.as_dict(private=False)]}))
            elif parts.path == "/authorize":
                if query.get("client_id") != provider.config["client_id"]:
                    self._send(400, "unknown client", "text/plain")
                    return
                hidden = "".join(
                    f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                    for k, v in query.items()
                )
                page = (
                    "<!doctype html><title>Directory</title><form method=post action=/authorize>"
                    f"{hidden}<label>User <input name=username></label>"
                    "<label>Password <input name=password type=password></label>"
                    "<button type=submit>Sign in</button></form>"
                )
                self._send(200, page, "text/html; charset=utf-8")
            else:
                self._send(404, "{}")

        def do_POST(self) -> None:  # noqa: N802
            form = self._form()
            if self.path == "/authorize":
                user = provider.config["users"].get(form.get("username", ""))
                if user is None or user["password"] != form.get("password"):
                    self._send(401, "wrong password", "text/plain")
                    return
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {**form}
                target = (
                    f"{form['redirect_uri']}?{urlencode({'code': code, 'state': form['state']})}"
                )
                self._send(302, "", "text/plain", Location=target)
            elif self.path == "/token":
                grant = provider.codes.pop(form.get("code", ""), None)
                ok = (
                    grant is not None
                    and form.get("client_id") == provider.config["client_id"]
                    and form.get("client_secret") == provider.config["client_secret"]
                    and form.get("redirect_uri") == grant["redirect_uri"]
                    and create_s256_code_challenge(form.get("code_verifier", ""))
                    == grant["code_challenge"]
                )
                if not ok:
                    self._send(400, json.dumps({"error": "invalid_grant"}))
                    return
                body = {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": provider.id_token(grant),
                }
                self._send(200, json.dumps(body))
            else:
                self._send(404, "{}")

    return Handler


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        provider = Provider(json.load(handle))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
