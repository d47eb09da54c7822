"""The Qt board: windows, scene, dialogs; the only package that imports PySide6.

See docs/architecture.md for the layers.
"""
