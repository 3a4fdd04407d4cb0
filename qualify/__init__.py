"""Qualify: an open qualification-certification platform (任职资格认证平台)."""

__version__ = "0.1.0"
