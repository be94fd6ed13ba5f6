"""Samples and what is made of them: the sample format and its conversions, loudness, the limiter, bells and beds."""
