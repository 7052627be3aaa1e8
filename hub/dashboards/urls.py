"""URL routes of the dashboards (mounted by ``hub_register_urls``)."""

from django.urls import path

from hub.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/", views.people, name="people"),
    path("documents/", views.documents, name="documents"),
    path("help/", views.help_requests, name="help"),
    path("stars/", views.stars, name="stars"),
    path("report/", views.operations_report, name="report"),
]
