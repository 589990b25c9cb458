"""Broadsheet: raw scraped articles in, a clean, searchable static news site out."""

__version__ = "0.2.0"
