"""The dummy plugin's URLs, mounted under ``/dummy/`` by its ``hub_register_urls``."""

from django.urls import path

from tests.plugins.dummy import views

app_name = "dummy"

urlpatterns = [
    path("", views.index, name="index"),
    path("docs/<int:pk>/", views.document, name="document"),
]
