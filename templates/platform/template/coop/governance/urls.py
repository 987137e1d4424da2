from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("", views.proposals, name="proposals"),
    path("proposals/new/", views.new_proposal, name="new_proposal"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/second/", views.second, name="second"),
    path("proposals/<int:pk>/comment/", views.comment, name="comment"),
    path("discussions/", views.threads, name="threads"),
    path("discussions/new/", views.new_thread, name="new_thread"),
    path("discussions/<int:pk>/", views.thread, name="thread"),
    path("meetings/new/", views.new_meeting, name="new_meeting"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("board/new/", views.new_board_decision, name="new_board_decision"),
    path("audit/", views.audit_trail, name="audit"),
]
