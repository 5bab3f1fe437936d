"""Pure domain: the lifecycle, permissions and errors. Imports only the standard library."""
