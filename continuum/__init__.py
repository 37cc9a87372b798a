"""continuum package."""
