"""URL routes of search, mounted under ``search/`` by ``hub.search.hub_hooks``."""

from django.urls import path

from hub.search import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="page"),
    path("api/", views.search_api, name="api"),
    path("suggest/", views.search_suggest, name="suggest"),
]
