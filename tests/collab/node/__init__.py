"""Real Node Yjs clients (``client.mjs``) and the Python side that runs them."""
