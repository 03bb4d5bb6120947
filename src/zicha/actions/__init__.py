"""Use cases: the only code that writes (files now; the database in the server tier)."""
