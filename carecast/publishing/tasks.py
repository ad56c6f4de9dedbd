"""Huey tasks: thin wrappers that call publishing.dispatch."""
