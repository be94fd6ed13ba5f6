"""The script format and everything that reads it: YAML nodes with marks, the loader, the model, the library."""
