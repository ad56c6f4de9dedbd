from django.urls import path

from carecast.analytics import views

app_name = "analytics"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path(
        "campaigns/<int:campaign_id>/stories/",
        views.campaign_add_story,
        name="campaign_add_story",
    ),
    path("applications/", views.application_list, name="applications"),
    path("applications/import/", views.application_import, name="applications_import"),
    path("hooks/applications/<slug:slug>/", views.application_hook, name="application_hook"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/import/", views.visit_import, name="visits_import"),
    path("visits/matomo/", views.visit_matomo, name="visits_matomo"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/webhook-secret/", views.webhook_secret, name="webhook_secret"),
    path("export/<str:table>.<str:fmt>", views.export, name="export"),
]
