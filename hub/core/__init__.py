"""The core app: organisation, spaces, Markdown documents, revisions and permissions."""
