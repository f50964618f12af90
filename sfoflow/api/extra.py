"""API modules added by later features register here (sampling, allocation, assessment...)."""
