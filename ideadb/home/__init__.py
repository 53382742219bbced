"""Each person's home page: what waits for them, with counts and the next action."""
