"""The MkDocs adapter: the only code that imports `mkdocs` or `material`.

`build` builds a generated folder with MkDocs' public API; `hooks` lets plain
`mkdocs build` and `mkdocs serve` from the project root generate first.
"""
