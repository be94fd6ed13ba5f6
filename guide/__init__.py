"""Inner Guide: voice-guided meditations for inner child work, from YAML scripts to calm audio."""

__version__ = "0.1.0"
