from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from carecast.analytics import redirect as tracked_links
from carecast.directory import views as directory_views
from carecast.web import feeds
from carecast.web.views import public_media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    # Signs out of the hospital's directory too after a sign-in with it.
    path("logout/", directory_views.LogoutView.as_view(), name="logout"),
    path("feeds/<int:channel_id>.xml", feeds.channel_feed, name="channel-feed"),
    path("public-media/<str:token>/", public_media.serve, name="public_media"),
    path(
        "feeds/<int:channel_id>.atom", feeds.channel_feed, {"atom": True}, name="channel-feed-atom"
    ),
    path("l/<str:code>", tracked_links.follow, name="tracked-link"),
    path("analytics/", include("carecast.analytics.urls")),
    path("api/v1/", include("carecast.api.urls")),
    path("account/tokens/", include("carecast.api.page_urls")),
    path("settings/webhooks/", include("carecast.webhooks.urls")),
    path("account/two-factor/", include("carecast.twofactor.urls")),
    path("settings/personal-data/", include("carecast.privacy.urls")),
    path("", include("carecast.ops.urls")),
    path("", include("carecast.directory.urls")),
    path("automation/", include("carecast.automation.urls")),
    path("live/", include("carecast.live.urls")),
    path("inbox/", include("carecast.inbox.urls")),
    path("analytics/peers/", include("carecast.peers.urls")),
    path("analytics/", include("carecast.reports.urls")),
    path("", include("carecast.web.urls")),
]
