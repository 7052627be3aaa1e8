"""Chat: a room per space (membership follows the space's read access), ad-hoc group
rooms and direct messages, in real time over websockets.

History is kept and paged; messages are Markdown rendered safely; @mentions notify;
unread counts show per room and in the navigation; own messages can be edited and
deleted (an edit log keeps the trace); links to documents get a preview for those who
may read them; files are attached behind a membership check; messages are searchable by
the people who can read their room; a range of messages becomes a document.

Built only through the hub's hooks (see ``hub_hooks.py``); described in ``docs/chat.md``.
"""
