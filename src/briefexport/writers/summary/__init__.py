"""writers/summary."""
