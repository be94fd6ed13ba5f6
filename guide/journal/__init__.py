"""The private journal: check-ins around a session, letters, reflections and triggers, in SQLite."""
