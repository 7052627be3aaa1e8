import pytest

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("n", [1, 2])
def test_probe2(n, spaces, browser_page):
    from django.db import connection
    from hub.core.models import HomePage
    from wagtail.models import Page
    c = getattr(connection, "_test_serialized_contents", None)
    print(n, c is not None and len(c), c and "core.homepage" in c, list(Page.objects.values_list("id", "depth")), HomePage.objects.count())
