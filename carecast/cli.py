"""The ``carecast`` console command: demo, serve, worker, and Django management.

carecast demo      migrate, seed the demo hospital, run sandbox + web + worker
carecast serve     the web UI (uvicorn, ASGI) on CARECAST_HOST:CARECAST_PORT
carecast worker    the Huey consumer that publishes
carecast migrate   bring the database schema up to date (safe while the old version serves)
carecast backup OUT   database and media into one archive (carecast restore IN reads it back)
carecast createlead  first start from the shell: the organisation and its first lead
carecast <cmd>     any Django management command (createsuperuser, …)
"""

from __future__ import annotations

import os
import sys


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecast.settings")
    import django

    django.setup()


def serve(argv: list[str]) -> int:
    import uvicorn

    from carecast.env import env_bool, env_int, env_str

    host = env_str("CARECAST_HOST", "127.0.0.1")
    port = env_int("CARECAST_PORT", 8000, minimum=1)
    _setup_django()
    from django.core.management import call_command

    # Several web processes on one machine share var/static: there, collect once before
    # starting them (``carecast collectstatic --noinput``) and set this to false.
    if env_bool("CARECAST_COLLECT_STATIC", True):
        call_command("collectstatic", interactive=False, verbosity=0)
    from carecast.live.asgi import server_options

    uvicorn.run(
        "carecast.asgi:application",
        host=host,
        port=port,
        log_level="warning",
        **server_options(),
    )
    return 0


def worker(argv: list[str]) -> int:
    _setup_django()
    from django.core.management import call_command

    # Huey logs every task at INFO; a desk's worker log should show problems, not routine.
    if not any(arg in {"-v", "--verbose", "-q", "--quiet"} for arg in argv):
        argv = ["--quiet", *argv]
    call_command("run_huey", *argv)
    return 0


def demo(argv: list[str]) -> int:
    _setup_django()
    from carecast.demo.runner import run_demo

    return run_demo(argv)


COMMANDS = {"serve": serve, "worker": worker, "demo": demo}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        if not argv:
            return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecast.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["carecast", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
