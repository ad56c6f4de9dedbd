"""A real OpenID Connect provider for the directory tests: a small Django project of its own
built on django-oauth-toolkit (the ``dev`` extra only), run as a separate process on 127.0.0.1.

    python -m tests.directory.provider CONFIG.json   # prints "PORT <n>" when it listens
"""
