"""URL routes of the Word importer, mounted under ``wordimport/`` by ``hub_register_urls``."""

from django.urls import path

from plugins.wordimport import views

app_name = "wordimport"

urlpatterns = [
    path("spaces/<int:pk>/", views.upload, name="upload"),
]
