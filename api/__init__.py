"""The API edge: what every API view shares (error shapes, strict fields, parsers, permissions,
pagination, date windows). It imports no app of ours, so every app may use it."""
