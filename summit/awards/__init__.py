"""Award calls, submissions, the jury, conflicts of interest, scoring and results."""
