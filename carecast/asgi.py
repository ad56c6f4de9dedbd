import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecast.settings")
application = get_asgi_application()

# Live consultation websockets are served beside Django (carecast.live.asgi).
from carecast.live.asgi import with_live_websockets  # noqa: E402

application = with_live_websockets(application)

# What is loaded by now lives as long as the process: move it out of the cyclic garbage
# collector's reach. Otherwise a full collection walks these ~200,000 objects now and then
# (0.2–0.8 s on a busy machine, measured by bench/pages) while every request — Django's sync
# views share one thread under ASGI — waits behind it.
gc.collect()
gc.freeze()
