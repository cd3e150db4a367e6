"""One renderer per diagnostic format; no check formats a location itself."""
