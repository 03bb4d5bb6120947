"""The engine: compiles pack expressions to polars and computes figures from the data."""
