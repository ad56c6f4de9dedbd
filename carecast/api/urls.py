from django.urls import path

from carecast.api.views import api

urlpatterns = [path("", api.urls)]
