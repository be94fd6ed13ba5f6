"""Rendering a script: the timeline and its fitting, the mixer, levels, the session, the live session, care checks."""
