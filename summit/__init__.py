"""Summit: run a large virtual international summit."""
