"""Qt views (thin; they adapt domain objects)."""
