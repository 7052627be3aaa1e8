"""In-app notifications (with an email copy): ``send_notification(users, text, url)``, the unread
count in the header and the list page that marks them read."""
