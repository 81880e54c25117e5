"""Governors' and HQ's explanations of the weekly figures (keywork.md "Why did compliance
move?", "TSF forecast"): pure calculations over the stored weeks and the staffing records."""
