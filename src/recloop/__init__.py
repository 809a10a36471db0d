"""recloop: model the AI recursion loop and the development halts that could stop it."""

__version__ = "0.1.0"
