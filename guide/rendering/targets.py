"""What every render aims for, light enough for the command line's options to name before anything renders."""

LOUDNESS_LUFS = -16.0
"""The integrated loudness every session is brought to: the level podcasts and spoken word are made at."""
