"""Reading outputs back: checks of what a file holds, independent of how it was made."""
