from django.urls import path

from carecast.inbox import desk_views, hooks, views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="list"),
    path("<int:item_id>/", views.item_detail, name="item"),
    path("<int:item_id>/reply/", views.reply, name="reply"),
    path("<int:item_id>/status/", views.set_status, name="status"),
    path("<int:item_id>/erase/", views.erase, name="erase"),
    path("<int:item_id>/hide/", views.hide_on_network, name="hide"),
    path("<int:item_id>/assign/", desk_views.assign, name="assign"),
    path("<int:item_id>/note/", desk_views.note, name="note"),
    path("saved-replies/", desk_views.saved_reply_list, name="saved_replies"),
    path("saved-replies/<int:saved_id>/", desk_views.saved_reply_edit, name="saved_reply"),
    path(
        "saved-replies/<int:saved_id>/delete/",
        desk_views.saved_reply_delete,
        name="saved_reply_delete",
    ),
    path("spikes/settings/", desk_views.spike_settings, name="spike_settings"),
    path("spikes/<int:spike_id>/seen/", desk_views.spike_seen, name="spike_seen"),
    path("replies/<int:reply_id>/settle/", views.settle, name="settle"),
    path("duty/", views.duty, name="duty"),
    path("duty/take/", views.duty_take, name="duty_take"),
    path("retention/", views.retention_period, name="retention"),
    path("duty/<int:shift_id>/delete/", views.duty_delete, name="duty_delete"),
    path("hooks/meta/", hooks.meta, name="meta_webhook"),
]
