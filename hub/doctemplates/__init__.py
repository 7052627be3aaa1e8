"""Document templates with typed fields: meeting minutes, weekly reports and admin-defined ones.

Modules: ``models`` (the template, the index of people named in fields, sent reminders,
answers to help requests),
``fields`` (field types: definitions, validation, form fields, display, search text),
``forms`` (the typed fields of one document as a form with row tables), ``weeks`` (ISO
weeks and the report deadline), ``prefill`` (new documents from a template and copy
forward), ``reports`` (weekly reports as roll-ups read them), ``rowkeys`` (the identity
of a row of a rows field), ``helprequests`` and ``help_forms`` (answering the help asked in
weekly reports), ``rollups`` (department and project roll-ups, open action items),
``views``, ``reminders`` and the ``hub remind`` command. Documentation: docs/templates.md.
"""
