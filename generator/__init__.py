"""Broadsheet: raw scraped articles in, a clean, searchable static news site out."""
