"""URL routes of the feedback box, mounted under ``feedback/`` by ``hub_register_urls``."""

from django.urls import path

from plugins.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.my_feedback, name="mine"),
    path("new/", views.send, name="send"),
    path("inbox/", views.inbox, name="inbox"),
    path("summary/", views.summary, name="summary"),
    path("track/<str:token>/", views.track, name="track"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/triage/", views.triage, name="triage"),
]
