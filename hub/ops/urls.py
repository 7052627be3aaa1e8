"""URL routes of the admins' operations pages, mounted under ``ops/`` by ``hub_register_urls``."""

from django.urls import path

from hub.ops import views

app_name = "ops"

urlpatterns = [
    path("audit/", views.audit, name="audit"),
    path("audit.csv", views.audit_csv, name="audit_csv"),
]
