"""Template tags: ``{% hub_slot "name" %}`` renders the fragments plugins put in a slot."""

from django import template
from django.utils.safestring import mark_safe

from hub import plugins

register = template.Library()


@register.simple_tag(takes_context=True)
def hub_slot(context, slot: str) -> str:
    request = context.get("request")
    if request is None:
        return ""
    fragments = plugins.collect(
        "hub_register_template_fragments", slot=slot, request=request, context=context.flatten()
    )
    # Fragments are trusted plugin output; plugins escape what they interpolate.
    return mark_safe("".join(fragment.html for fragment in fragments))
