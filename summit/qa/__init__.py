"""Live questions on a session, their votes and moderation."""
