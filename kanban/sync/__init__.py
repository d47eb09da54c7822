"""JIRA sync: the client (the only package that imports ``jira``), the field
mapping and the pure engine that plans each run.

See docs/architecture.md for the layers.
"""
