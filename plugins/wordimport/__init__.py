"""Legacy Word migration: ``.docx`` files become Markdown documents with a fidelity report.

``hub import docs PATH... --space SLUG`` (registered through ``hub_register_importers``)
walks folders into a page tree, skips files already imported and unchanged, and writes a
per-file report as a page and as CSV; space editors can also upload files in the browser.
Files are checked for zip bombs, macros, encryption and external content before parsing
(``safety.py``); the conversion itself is ``converter.py``. See ``docs/wordimport.md``.
"""
