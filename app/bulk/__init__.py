"""The whole record as a Frictionless Data Package: one CSV per table, and its descriptor."""
