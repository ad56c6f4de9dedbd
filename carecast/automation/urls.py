from django.urls import path

from carecast.automation import views

app_name = "automation"

urlpatterns = [
    path("", views.sources, name="sources"),
    path("sources/<int:source_id>/", views.source_detail, name="source"),
    path("sources/<int:source_id>/fetch/", views.source_fetch, name="source_fetch"),
    path("sources/<int:source_id>/pause/", views.source_pause, name="source_pause"),
    path("sources/<int:source_id>/delete/", views.source_delete, name="source_delete"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:rule_id>/", views.rule_detail, name="rule"),
    path("rules/<int:rule_id>/run/", views.rule_run, name="rule_run"),
    path("gaps/", views.gap_filler, name="gaps"),
    path("gaps/<int:channel_id>/", views.channel_settings, name="channel_settings"),
    path("days/", views.awareness_days, name="days"),
    path("days/remind/", views.awareness_remind, name="days_remind"),
    path("days/<int:day_id>/", views.awareness_day, name="day"),
    path("trends/", views.trends, name="trends"),
    path("trends/refresh/", views.trends_refresh, name="trends_refresh"),
    path("trends/<int:suggestion_id>/draft/", views.trend_draft, name="trend_draft"),
    path("trends/<int:suggestion_id>/dismiss/", views.trend_dismiss, name="trend_dismiss"),
]
