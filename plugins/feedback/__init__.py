"""Feedback box: employees send (optionally anonymous) feedback to a department, which triages it."""
