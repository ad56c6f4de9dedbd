from django.conf import settings
from django.urls import path

from carecast.web.views import (
    audit,
    calendar,
    channel_connect,
    channels,
    composer,
    dashboard,
    departments,
    media,
    media_library,
    organisation,
    people,
    publications,
    reply_reviews,
    reviews,
    setup,
    stories,
    video,
)

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
    path(
        "channels/connect/callback/",
        channel_connect.connect_callback,
        name="channel_connect_callback",
    ),
    path("channels/connect/<str:network>/", channel_connect.connect_start, name="channel_connect"),
    path(
        "channels/connect/<str:network>/<int:channel_id>/",
        channel_connect.connect_start,
        name="channel_reconnect",
    ),
    path("channels/<int:channel_id>/", channels.channel_detail, name="channel"),
    path("channels/<int:channel_id>/settings/", channels.channel_settings, name="channel_settings"),
    path("channels/<int:channel_id>/pause/", channels.channel_pause, name="channel_pause"),
    path("channels/<int:channel_id>/resume/", channels.channel_resume, name="channel_resume"),
    path("channels/<int:channel_id>/archive/", channels.channel_archive, name="channel_archive"),
    path("audit/", audit.audit_log, name="audit"),
    path("audit/export.csv", audit.audit_csv_export, name="audit_csv"),
    path("reviews/", reviews.queue, name="reviews"),
    path("reviews/<int:review_id>/", reviews.review_detail, name="review"),
    path("reviews/<int:review_id>/decide/", reviews.review_decide, name="review_decide"),
    path("reviews/<int:review_id>/time/", reviews.review_new_time, name="review_new_time"),
    path("reviews/rules/replies/", reviews.reply_rules, name="reply_rules"),
    path("reviews/rules/channel/<int:channel_id>/", reviews.channel_rule, name="channel_rule"),
    path(
        "reviews/rules/department/<int:department_id>/",
        reviews.department_rule,
        name="department_rule",
    ),
    path(
        "reviews/replies/<int:review_id>/", reply_reviews.reply_review_detail, name="reply_review"
    ),
    path(
        "reviews/replies/<int:review_id>/decide/",
        reply_reviews.reply_review_decide,
        name="reply_review_decide",
    ),
    path("setup/", setup.setup, name="setup"),
    path("team/", people.people_list, name="people"),
    path("team/hospital/", organisation.organisation_settings, name="organisation"),
    path("team/new/", people.person_new, name="person_new"),
    path("team/<int:person_id>/", people.person_edit, name="person_edit"),
    path("team/<int:person_id>/active/", people.person_active, name="person_active"),
    path("team/<int:person_id>/invite/", people.person_reinvite, name="person_reinvite"),
    path("invitation/<str:token>/", people.invitation, name="invitation"),
    path("departments/", departments.department_list, name="departments"),
    path("departments/<int:department_id>/", departments.department_edit, name="department_edit"),
    path(
        "departments/<int:department_id>/archive/",
        departments.department_archive,
        name="department_archive",
    ),
    path("media-library/", media_library.library_page, name="media_library"),
    path("media-library/upload/", media_library.upload, name="media_upload"),
    path("media-library/<int:asset_id>/", media_library.asset_detail, name="media_asset"),
    path(
        "media-library/<int:asset_id>/people/new/",
        media_library.person_new,
        name="media_person_new",
    ),
    path(
        "media-library/<int:asset_id>/people/<int:person_id>/",
        media_library.person_edit,
        name="media_person_edit",
    ),
    path(
        "media-library/<int:asset_id>/people/<int:person_id>/document/",
        media_library.consent_document,
        name="media_consent_document",
    ),
    path(
        "media-library/<int:asset_id>/people/<int:person_id>/withdraw/",
        media_library.withdraw,
        name="media_withdraw",
    ),
    path(
        "media-library/<int:asset_id>/people/<int:person_id>/withdrawn/",
        media_library.withdrawn,
        name="media_withdrawn",
    ),
    path("media-library/uploads/", video.upload_start, name="video_upload_start"),
    path("media-library/uploads/<uuid:upload_id>/", video.upload_piece, name="video_upload_piece"),
    path(
        "media-library/uploads/<uuid:upload_id>/finish/",
        video.upload_finish,
        name="video_upload_finish",
    ),
    path(
        "media-library/uploads/<uuid:upload_id>/item/",
        video.upload_item,
        name="video_upload_item",
    ),
    path("media-library/<int:asset_id>/fit/", video.fit, name="media_fit"),
    path("media-library/<int:asset_id>/versions/", video.renditions, name="media_renditions"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media.media_file, name="media"),
]
