"""Version numbers that decide what earlier builds left behind can be trusted.

A module of its own, with no imports, so that the up-to-date check can read them without
loading the pipeline's stages.
"""

from generator import __version__

# Bump when the digest half changes what it writes, so that unedited articles are regenerated.
PIPELINE_VERSION = "3"

# Bump when what the build's caches (`generator.caches`) hold changes shape, so that they are
# made again once. 2: articles carry their digests (`model.article_digest`, `article_text_digest`).
# 3: the inbox cache holds each document's lines as keys (`clean.line_key`), not as text.
# 4: the search-terms cache holds each text's weights packed (`render.search.TermWeights`).
# 5: an article's digest hashes its fields' text, not the article's repr (`model.article_digest`).
CACHE_FORMAT = "5"

__all__ = ["CACHE_FORMAT", "PIPELINE_VERSION", "__version__"]
