from django.urls import path

from carecast.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.records, name="records"),
    path("requests/", views.requests, name="requests"),
    path("requests/export/", views.export, name="export"),
    path("requests/erase/", views.erase, name="erase"),
    path("requests/erased/", views.erased, name="erased"),
]
