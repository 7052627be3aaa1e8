"""Tests of search: the backend, the analyzer, indexing and the search page."""
