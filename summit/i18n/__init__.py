"""Languages: catalogs (ar, en, fr), the viewer's language and zone, and formatting."""
