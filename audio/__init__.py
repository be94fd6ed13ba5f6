"""The built-in sounds, shipped as package data of `guide.audio`."""
