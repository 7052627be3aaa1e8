"""Wagtail admin integration: document templates as snippets, each save a revision."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from hub.doctemplates.models import DocumentTemplate


class DocumentTemplateViewSet(SnippetViewSet):
    model = DocumentTemplate
    icon = "doc-full"
    menu_label = _("Document templates")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "name_en", "kind", "space", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "name_en"]


register_snippet(DocumentTemplateViewSet)
