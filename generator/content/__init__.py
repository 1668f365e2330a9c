"""The records: domain types, the schema, strict YAML, loading, safe files and journals."""
