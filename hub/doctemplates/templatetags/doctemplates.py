"""Template tags: ``{% document_fields document %}`` shows a document's typed fields as a
header table (the document page, old revisions); ``{% help_answer found %}`` shows the
answer to a help request (or that it has none yet) for the viewer."""

from django import template

from hub.core.markdown import render_markdown
from hub.core.permissions import can
from hub.doctemplates.fields import field_rows

register = template.Library()


@register.inclusion_tag("doctemplates/includes/field_header.html")
def document_fields(document) -> dict:
    rows = [
        {"label": label, "value": value, "is_rows": isinstance(value, list)}
        for label, value in field_rows(document)
    ]
    return {"rows": rows, "template": document.template if document.template_id else None}


def linked(answer_or_version, user) -> dict:
    """The link of an answer as the viewer may see it: a document by its title only for
    someone who may open it."""
    document = answer_or_version.linked_document
    if document is not None:
        if can(user, "view", document):
            return {"url": document.url or "", "label": document.title, "hidden": False}
        return {"url": "", "label": "", "hidden": True}
    link = answer_or_version.link
    return {"url": link, "label": link, "hidden": False} if link else {}


@register.inclusion_tag("doctemplates/includes/help_answer.html", takes_context=True)
def help_answer(context, found, answer=None) -> dict:
    """``found``: a ``HelpRequest``; ``answer``: an earlier answer matching no request."""
    answer = answer or found.answer
    user = context["request"].user
    return {
        "found": found,
        "answer": answer,
        "reply_html": render_markdown(answer.reply) if answer else "",
        "link": linked(answer, user) if answer else {},
    }


@register.simple_tag(takes_context=True)
def version_link(context, version) -> dict:
    return linked(version, context["request"].user)
