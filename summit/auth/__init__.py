"""Accounts, per-summit roles, passwords, permissions and the audit log."""
