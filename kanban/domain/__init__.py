"""The board's pure rules: data types, WIP, team rules and history.

Nothing here imports Qt, SQL or HTTP, so every rule can be tested with plain
objects and property-based tests.
"""
