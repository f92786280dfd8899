"""The domain core: validation, trips, rules and tickets. No Qt import, ever."""
