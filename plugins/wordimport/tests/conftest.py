"""Fixtures of the Word importer tests, which need the plugin installed (it has a model)."""

from __future__ import annotations

import pytest
from django.conf import settings

if "plugins.wordimport" not in settings.INSTALLED_APPS:
    # Not enabled (HUB_PLUGINS): the modules would not even import.
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture
def editor_space(spaces):
    """The company-wide-edit space: every employee edits it, mkt_member administers it."""
    return spaces.company_edit
