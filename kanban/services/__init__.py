"""The board's use cases, shared by the GUI, the CLI and sync."""
