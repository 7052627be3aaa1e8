"""The ``hub`` command: the project's manage.py, with the hub's own commands listed first."""

import os
import sys

HUB_COMMANDS = """\
Hub commands:
  hub serve [--host H] [--port P] [--no-worker]
                                      serve the hub (ASGI, HTTP and websockets) and a worker
  hub worker [--batch]                run background tasks (deadlines, escalation) when due
  hub demo [--password PW] [--if-empty]
                                      load demo departments, people, spaces and documents
  hub import org FILE [--dry-run] [--deactivate-missing]
                                      import departments and people from CSV or YAML
  hub import docs PATH... --space SLUG [--dry-run] [--map FILE]
                                      import Word (.docx) files and folder trees
  hub import --help                   every importer (plugins add more)
  hub report month YYYY-MM [--docx F]  monthly operations report
  hub report feedback --month YYYY-MM monthly feedback summary (plugins add reports)
  hub remind weekly-reports [--week 2026-W48] [--dry-run]
                                      remind people whose weekly report is missing
  hub archive propose [--days N]      propose idle spaces and documents for archiving
  hub reindex [--procs N]             rebuild the search index from the database
  hub backup [PATH] [--no-progress]   back up the database and media files to one .tar.gz
  hub restore PATH [--force] [--no-progress]
                                      restore a backup into a fresh site (index rebuilt)
  hub migrate, hub createsuperuser, hub shell, ...   every Django command works too

Data lives in HUB_DATA_DIR (default ./var). See README.md for the environment variables.
"""


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] in {"-h", "--help", "help"} and len(args) == 1):
        sys.stdout.write(HUB_COMMANDS + "\n")
        if not args:
            return
    execute_from_command_line(["hub", *args])


if __name__ == "__main__":
    main()
