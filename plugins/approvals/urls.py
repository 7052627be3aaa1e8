"""URL routes of the approvals, mounted under ``approvals/`` by ``hub_register_urls``."""

from django.urls import path

from plugins.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.waiting, name="waiting"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("new/<int:flow_pk>/", views.submit, name="submit"),
    path("figures/", views.figures, name="figures"),
    path("dashboard/", views.dashboard_list, name="dashboard_list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/edit/", views.resubmit, name="resubmit"),
    path("<int:pk>/revisions/<int:revision_id>/", views.revision, name="revision"),
    path("attachments/<int:pk>/<str:filename>", views.attachment, name="attachment"),
]
