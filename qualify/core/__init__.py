"""The pure domain: standards, records, rules, decisions and the certification workflow.

This package imports only the standard library and pydantic. ``tests/contract/test_layering.py``
fails if it imports Django, Polars or any other framework.
"""
