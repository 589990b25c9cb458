"""Broadsheet: raw scraped articles in, a clean, searchable static news site out."""

__version__ = "0.1.0"
