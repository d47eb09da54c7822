"""links layer (see DESIGN.md)."""
