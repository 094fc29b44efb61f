"""A streaming read replica: which database each read goes to (README, Read replica)."""
