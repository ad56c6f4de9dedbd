from django.conf import settings
from django.urls import path

from carecast.web.views import calendar, channels, composer, dashboard, media, publications, stories

app_name = "web"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("stories/", stories.story_list, name="stories"),
    path("stories/new/", composer.new_story, name="story_new"),
    path("stories/<int:story_id>/", stories.story_detail, name="story_detail"),
    path("stories/<int:story_id>/edit/", composer.edit_story, name="story_edit"),
    path("compose/live/variants/", composer.live_variants, name="compose_live_variants"),
    path(
        "compose/live/variant/<int:channel_id>/", composer.live_variant, name="compose_live_variant"
    ),
    path("compose/live/due/", composer.live_due, name="compose_live_due"),
    path("compose/upload/", composer.upload, name="compose_upload"),
    path("calendar/", calendar.calendar_view, name="calendar"),
    path("publications/<int:publication_id>/", publications.publication_detail, name="publication"),
    path(
        "publications/<int:publication_id>/cancel/", publications.cancel, name="publication_cancel"
    ),
    path(
        "publications/<int:publication_id>/resend/", publications.resend, name="publication_resend"
    ),
    path(
        "publications/<int:publication_id>/confirm/",
        publications.confirm,
        name="publication_confirm",
    ),
    path("channels/", channels.channel_list, name="channels"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media.media_file, name="media"),
]
