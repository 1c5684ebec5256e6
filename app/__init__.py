"""Casusregister: the encrypted case register of the Belangenbehartiger."""

__version__ = "0.1.0"
