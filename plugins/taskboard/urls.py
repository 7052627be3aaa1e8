"""URL routes of the task boards, mounted under ``tasks/`` by ``hub_register_urls``."""

from django.urls import path

from plugins.taskboard import views

app_name = "taskboard"

urlpatterns = [
    path("", views.my_tasks, name="mine"),
    path("department/<slug:code>/", views.department_tasks, name="department"),
    path("board/<int:space_pk>/", views.board, name="board"),
    path("board/<int:space_pk>/list/", views.board_list, name="list"),
    path("board/<int:space_pk>/gantt/", views.gantt, name="gantt"),
    path("board/<int:space_pk>/new/", views.task_create, name="create"),
    path("board/<int:space_pk>/settings/", views.board_settings, name="settings"),
    path("<int:pk>/", views.task_detail, name="task"),
    path("<int:pk>/edit/", views.task_edit, name="edit"),
    path("<int:pk>/move/", views.task_move, name="move"),
    path("<int:pk>/schedule/", views.task_schedule, name="schedule"),
    path("<int:pk>/comment/", views.task_comment, name="comment"),
    path("from-minutes/<int:document_pk>/", views.from_minutes, name="from_minutes"),
]
