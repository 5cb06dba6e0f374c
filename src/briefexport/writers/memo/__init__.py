"""writers/memo."""
