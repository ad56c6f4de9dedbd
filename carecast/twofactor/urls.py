from django.urls import path

from carecast.twofactor import views

app_name = "twofactor"
urlpatterns = [
    path("", views.status, name="status"),
    path("setup/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("disable/", views.disable, name="disable"),
]
