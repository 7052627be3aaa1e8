"""Template tags: ``{% document_fields document %}`` shows a document's typed fields as a
header table (the document page, old revisions)."""

from django import template

from hub.doctemplates.fields import field_rows

register = template.Library()


@register.inclusion_tag("doctemplates/includes/field_header.html")
def document_fields(document) -> dict:
    rows = [
        {"label": label, "value": value, "is_rows": isinstance(value, list)}
        for label, value in field_rows(document)
    ]
    return {"rows": rows, "template": document.template if document.template_id else None}
