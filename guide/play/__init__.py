"""Playing a session: the player and its keys, the display, the place to resume, and the sound device."""
