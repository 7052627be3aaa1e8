"""Running the platform: health endpoint, backup and restore, audit log, login monitoring."""
