"""Use cases: one function each, called by the web pages, the API and the CLI alike."""
