"""The browser front end's plumbing: templates, htmx, headers and error pages."""
