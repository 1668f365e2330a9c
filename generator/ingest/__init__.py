"""Raw listings and BibTeX to records: parsing, merging duplicates, writing records."""
