"""Plain typed objects of zicha's vocabulary. Imports nothing else of the project."""
