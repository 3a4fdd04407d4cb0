"""Reading and writing standards and HR data (YAML, XLSX, CSV). No Django here."""
