"""A small shop for the editor tests."""
