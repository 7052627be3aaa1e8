"""Export of any document: Markdown with the template fields as YAML front matter, a Word
``.docx`` built from markdown-it's token stream, and a print-friendly page.

Modules: ``markdown`` (the Markdown file), ``wordstyles`` (fonts, languages, styles and list
numbering of the Word file), ``images`` (which images a reader may have embedded), ``docx``
(the Word builder), ``views``, ``urls``. Documentation: docs/export.md.
"""
