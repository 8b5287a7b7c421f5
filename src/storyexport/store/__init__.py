"""Where outputs go and what a run remembers: atomic writes, the content cache, freshness records, the manifest, the clock."""
