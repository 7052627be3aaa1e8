"""Live co-editing: the y-websocket protocol over Channels, rooms, persistence, CRDT engine."""
