"""First-party plugins, one folder each; each is a Django app built only on the hub_* hooks."""
