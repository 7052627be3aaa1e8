"""Replace Wagtail's default welcome page by the hub's HomePage as the site root."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("core.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    Page.objects.filter(
        content_type__app_label="wagtailcore", content_type__model="page", slug="home", depth=2
    ).delete()
    content_type, _created = ContentType.objects.get_or_create(model="homepage", app_label="core")
    homepage = HomePage.objects.create(
        title="Hub",
        draft_title="Hub",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
        locale=Locale.objects.order_by("pk").first(),
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=homepage, is_default_site=True, site_name="Hub")


def remove_homepage(apps, schema_editor):
    apps.get_model("core.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_pages")]
    operations = [migrations.RunPython(create_homepage, remove_homepage)]
