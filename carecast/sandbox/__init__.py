"""Local stand-ins for the social networks' APIs, for the demo, the tests and the benchmarks.

``python -m carecast.sandbox --port 8765 --db var/sandbox.sqlite3`` serves Mastodon
(``/api/...``), X (``/2/...``) and a small Bluesky PDS (``/xrpc/...``) on one port, with a
viewer at ``/``. Never run it in production: it accepts any account you create.
"""
