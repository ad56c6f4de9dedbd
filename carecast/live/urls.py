from django.urls import path

from carecast.live import views

app_name = "live"

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("new/", views.session_edit, name="new"),
    path("<slug:slug>/", views.audience, name="audience"),
    path("<slug:slug>/board/", views.audience_board, name="board"),
    path("<slug:slug>/ask/", views.ask, name="ask"),
    path("<slug:slug>/vote/<int:question_id>/", views.vote, name="vote"),
    path("<slug:slug>/moderate/", views.moderate, name="moderate"),
    path("<slug:slug>/moderate/queue/", views.moderate_queue, name="queue"),
    path("<slug:slug>/moderate/merge/", views.moderate_merge, name="merge"),
    path(
        "<slug:slug>/moderate/<int:question_id>/<str:action>/",
        views.moderate_action,
        name="act",
    ),
    path("<slug:slug>/present/", views.present, name="present"),
    path("<slug:slug>/present/board/", views.present_board, name="present_board"),
    path("<slug:slug>/setup/", views.session_edit, name="setup"),
    path("<slug:slug>/announce/", views.announce_session, name="announce"),
    path("<slug:slug>/recap/", views.recap_story, name="recap"),
    path("<slug:slug>/questions.csv", views.questions_csv, name="csv"),
]
