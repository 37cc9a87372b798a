"""closures: map continuum states to pressures and correlation sources (THEORY.md sections 1, 3)."""
