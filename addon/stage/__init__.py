"""Staging: where everyone goes and when, from the Screenplay and the built set."""
