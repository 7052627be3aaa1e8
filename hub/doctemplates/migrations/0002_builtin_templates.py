"""Install the built-in templates 会议纪要 / Meeting minutes and 周报 / Weekly report."""

from django.db import migrations

from hub.doctemplates.builtin import BUILTIN_TEMPLATES


def install(apps, schema_editor):
    DocumentTemplate = apps.get_model("doctemplates", "DocumentTemplate")
    for definition in BUILTIN_TEMPLATES:
        fields = {key: value for key, value in definition.items() if key != "name"}
        DocumentTemplate.objects.get_or_create(
            name=definition["name"], space=None, kind=definition["kind"], defaults=fields
        )


class Migration(migrations.Migration):
    dependencies = [("doctemplates", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
