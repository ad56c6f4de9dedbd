import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecast.settings")
application = get_asgi_application()

# Live consultation websockets are served beside Django (carecast.live.asgi).
from carecast.live.asgi import with_live_websockets  # noqa: E402

application = with_live_websockets(application)
