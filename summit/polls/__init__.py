"""Live polls of a session: single or multiple choice, opened and closed by its moderators."""
