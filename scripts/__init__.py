"""The built-in session scripts, shipped as package data of `guide.scripts`."""
