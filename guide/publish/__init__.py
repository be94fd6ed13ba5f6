"""Reaching the client: a private podcast feed and a page for each, as static files any web host serves."""
