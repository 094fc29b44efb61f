"""Voting analytics: agreement between states and a state's voting runs, from a compact form of
the recorded votes built once per data version."""
