"""Wagtail admin integration through Wagtail's own hooks: departments as snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from hub.core.models import Department


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "name_en", "code", "parent", "head"]
    search_fields = ["name", "name_en", "code"]


register_snippet(DepartmentViewSet)
