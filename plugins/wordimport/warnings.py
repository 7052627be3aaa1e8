"""The warnings a conversion counts, as the report words them."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import ngettext_lazy

MESSAGES = {
    "textbox": ngettext_lazy(
        "%(count)d text box flattened", "%(count)d text boxes flattened", "count"
    ),
    "merged_cell": ngettext_lazy(
        "%(count)d merged table cell flattened", "%(count)d merged table cells flattened", "count"
    ),
    "nested_table": ngettext_lazy(
        "%(count)d nested table flattened", "%(count)d nested tables flattened", "count"
    ),
    "ole": ngettext_lazy("%(count)d OLE object dropped", "%(count)d OLE objects dropped", "count"),
    "altchunk": ngettext_lazy(
        "%(count)d embedded file (altChunk) dropped",
        "%(count)d embedded files (altChunk) dropped",
        "count",
    ),
    "external_image": ngettext_lazy(
        "%(count)d external image not fetched (kept as a link)",
        "%(count)d external images not fetched (kept as links)",
        "count",
    ),
    "unsupported_image": ngettext_lazy(
        "%(count)d image in a format browsers cannot show kept as a download",
        "%(count)d images in formats browsers cannot show kept as downloads",
        "count",
    ),
    "header_footer": ngettext_lazy(
        "%(count)d header/footer text kept once at the end of the page",
        "%(count)d header/footer texts kept once at the end of the page",
        "count",
    ),
    "margin_image": ngettext_lazy(
        "%(count)d image in headers/footers dropped",
        "%(count)d images in headers/footers dropped",
        "count",
    ),
    "chart": ngettext_lazy("%(count)d chart dropped", "%(count)d charts dropped", "count"),
    "diagram": ngettext_lazy(
        "%(count)d SmartArt diagram dropped", "%(count)d SmartArt diagrams dropped", "count"
    ),
}
DROPPED = {"ole", "altchunk", "chart", "diagram", "margin_image"}


def describe(warnings: Counter) -> list[str]:
    """One readable line per kind of warning, in a stable order."""
    return [
        str(MESSAGES[kind] % {"count": count})
        for kind, count in sorted(warnings.items())
        if kind in MESSAGES
    ]
