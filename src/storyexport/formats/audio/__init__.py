"""Narration audio: synthesis into timed PCM, encoding, tags and captions."""
