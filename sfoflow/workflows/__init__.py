"""The review lifecycle, as data."""
