from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path


def _rogue_keys(request):
    """Published keys that did not sign the tokens (as if someone swapped the answer)."""
    return JsonResponse({"keys": [settings.PROVIDER["rogue_public_jwk"]]})


urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="provider/login.html"),
        name="login",
    ),
]
if settings.PROVIDER.get("rogue"):
    urlpatterns.append(path("o/.well-known/jwks.json", _rogue_keys))
urlpatterns.append(path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")))
