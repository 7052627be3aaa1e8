"""URL routes of export (mounted at the root by ``hub_register_urls``, next to the document's
own pages under ``docs/<pk>/``)."""

from django.urls import path

from hub.export import views

app_name = "export"

urlpatterns = [
    path("docs/<int:pk>/export.md", views.export_markdown, name="markdown"),
    path("docs/<int:pk>/export.docx", views.export_docx, name="docx"),
    path("docs/<int:pk>/print/", views.print_page, name="print"),
]
