"""Monitor country-profile text → Source, Citations and draft records (rule-based reader)."""
