from django.urls import path

from carecast.directory import views

app_name = "directory"
urlpatterns = [
    path("login/directory/", views.start, name="start"),
    path("login/directory/return/", views.callback, name="callback"),
    path("settings/directory/", views.mapping, name="mapping"),
    path("settings/directory/<int:mapping_id>/delete/", views.mapping_delete, name="delete"),
]
