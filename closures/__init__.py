"""closures: map continuum states to pressures and correlation sources (docs/theory.md §1, §3)."""
