"""The standards in the browser: the catalogue, a standard's page, the comparison table, the xlsx."""
