"""``python -m carecast.sandbox``: serve the sandbox networks until interrupted."""

from __future__ import annotations

import argparse

from carecast.sandbox.server import SandboxServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m carecast.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", default=None, help="SQLite file so that posts survive a restart")
    parser.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="NETWORK:HANDLE:TOKEN",
        help="create an account (repeatable), e.g. mastodon:klinikum:demo-token",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    server = SandboxServer(args.host, args.port, args.db, verbose=not args.quiet)
    for spec in args.account:
        network, handle, token = spec.split(":", 2)
        server.add_account(network, handle, token)
    print(f"carecast sandbox on {server.base_url} (Mastodon /api, X /2, Bluesky /xrpc)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
