"""URL routes of document templates and roll-ups (mounted by ``hub_register_urls``)."""

from django.urls import path

from hub.doctemplates import views

app_name = "doctemplates"

urlpatterns = [
    path("templates/new/<int:parent_id>/", views.choose_template, name="choose"),
    path("rollups/", views.rollup_index, name="rollups"),
    path("rollups/departments/<int:pk>/", views.department_view, name="department_rollup"),
    path("rollups/spaces/<int:pk>/", views.space_view, name="space_rollup"),
    path("rollups/actions/", views.actions_view, name="actions"),
    path("rollups/help/<int:pk>/<slug:key>/", views.help_request_view, name="help_request"),
]
