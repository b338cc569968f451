"""Speakers, moderators and the delegations they belong to."""
