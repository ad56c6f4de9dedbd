from django.contrib.auth import views as auth_views
from django.urls import path

from carecast.web import views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
