"""The ``qualify`` command line: parses input, calls a service, formats the result."""
