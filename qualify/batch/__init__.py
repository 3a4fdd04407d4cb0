"""The same rules compiled to Polars expressions, for a whole organisation at once."""
