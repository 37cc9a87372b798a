"""hydrobridge package."""
