"""The Wagtail admin works on the hub's models for superusers."""

from django.urls import reverse


def test_admin_lists_departments_and_edits_documents(org, spaces, make_document, login):
    document = make_document(spaces.rd, org.rd_member, title="后台编辑")
    client = login(org.admin)
    listing = client.get(reverse("wagtailsnippets_core_department:list"))
    assert listing.status_code == 200 and "研发部" in listing.content.decode()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[document.pk])).status_code == 200
    assert client.get(reverse("wagtailadmin_explore", args=[spaces.rd.pk])).status_code == 200
