"""carecast's URLs plus the baseline of ``bench/pages``: a signed-in view reading one indexed row."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def one_row(request, pk: int) -> HttpResponse:
    from carecast.publishing.models import Publication

    publication = Publication.objects.only("id", "state").get(pk=pk)
    return HttpResponse(f"{publication.pk} {publication.state}", content_type="text/plain")


urlpatterns = [
    path("_bench/row/<int:pk>/", one_row),
    path("", include("carecast.urls")),
]
