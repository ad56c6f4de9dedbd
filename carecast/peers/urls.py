from django.urls import path

from carecast.peers import views

app_name = "peers"

urlpatterns = [
    path("", views.ranking_page, name="ranking"),
    path("add/", views.add, name="add"),
    path("<int:peer_id>/remove/", views.remove, name="remove"),
    path("count/", views.count_now, name="count"),
    path("ranking.<str:fmt>", views.export, name="export"),
]
