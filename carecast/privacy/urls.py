from django.urls import path

from carecast.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.records, name="records"),
    path("commenter/", views.commenter, name="commenter"),
    path("commenter/erase/", views.commenter_erase, name="commenter_erase"),
]
