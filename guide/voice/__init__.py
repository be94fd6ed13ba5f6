"""The voice: the speech engines, voicing lines through the clip cache on every core, and predicting their lengths."""
