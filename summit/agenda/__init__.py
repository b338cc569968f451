"""The programme: summits, streams, themes, sessions, who speaks where, and who follows what."""
