"""Elections to a body's seats, with secret ballots counted at close."""
