"""`sitemap.xml` and `robots.txt`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from generator.config import SiteConfig
from generator.render.feeds import xml_document

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(page_paths: Iterable[str], config: SiteConfig) -> bytes:
    """A sitemap listing every page (not the 404 page), in a stable order."""
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for path in sorted(set(page_paths)):
        if path.endswith("404.html"):
            continue
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = config.absolute_url(path)
    return xml_document(root)


def robots(config: SiteConfig) -> str:
    """Allow everything and point crawlers at the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n"
