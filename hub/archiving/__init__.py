"""Archiving: spaces, documents and plugins' items (``hub_register_archive_types``: chat
rooms) nobody touched for a while are proposed for archiving, their owners decide
(archive or keep); archived content is read-only, left out of search unless asked for,
and restorable.

Modules: ``models`` (proposals, what a document was before), ``services`` (archive,
restore, propose), ``views``, ``hub_hooks``; ``hub archive propose`` runs from cron.
Documentation: docs/archiving.md.
"""
