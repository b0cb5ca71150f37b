"""Runnable examples: `python -m minikeras.examples.echo`."""
