"""The partnership's institutions: committees and networks, their members and terms."""
