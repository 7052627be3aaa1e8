"""Wagtail admin integration: document templates as snippets, each save a revision; the
audit log's actions for answers to help requests."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from hub.doctemplates.helprequests import ANSWER_CHANGED, ANSWERED
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


@hooks.register("register_log_actions")
def register_help_answer_actions(actions) -> None:
    actions.register_action(ANSWERED, _("Answer a help request"), _("Answered a help request"))
    actions.register_action(
        ANSWER_CHANGED, _("Change an answer to a help request"), _("Changed an answer")
    )
