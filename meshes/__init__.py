"""meshes package."""
