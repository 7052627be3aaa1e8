"""Plugins that exist only for the test suite (registered per test with ``hub.testing``)."""
