"""Wagtail admin: approval flows are snippets, edited with their steps inline; every kind of
decision is an action of the audit log.

The admin form (``forms.FlowAdminForm``) checks each step against the flow's form fields
(a condition names an existing, comparable field; a rule has what it needs).
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from plugins.approvals.forms import FlowAdminForm
from plugins.approvals.models import Action, Flow

STEP_PANELS = [
    FieldPanel("name"),
    FieldRowPanel([FieldPanel("rule"), FieldPanel("all_must_approve")]),
    FieldRowPanel([FieldPanel("person"), FieldPanel("group"), FieldPanel("department")]),
    MultiFieldPanel(
        [
            FieldRowPanel(
                [
                    FieldPanel("condition_field"),
                    FieldPanel("condition_operator"),
                    FieldPanel("condition_value"),
                ]
            )
        ],
        heading=_("Condition"),
    ),
    FieldRowPanel([FieldPanel("remind_after_hours"), FieldPanel("deadline_hours")]),
    FieldRowPanel([FieldPanel("escalation"), FieldPanel("escalation_person")]),
]


class FlowViewSet(SnippetViewSet):
    model = Flow
    icon = "tasks"
    menu_label = _("Approval flows")
    menu_name = "approval_flows"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "active"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("active"),
            FieldPanel("form_fields"),
            InlinePanel("steps", label=_("Steps"), min_num=1, panels=STEP_PANELS),
        ],
        base_form_class=FlowAdminForm,
    )


register_snippet(FlowViewSet)


@hooks.register("register_log_actions")
def register_decisions(actions) -> None:
    for action in Action:
        # Lazy: shown in the audit log reader's language, not the one active at start-up.
        label = format_lazy(_("Approval request {what}"), what=action.label)
        actions.register_action(f"approvals.{action.value}", label, label)
