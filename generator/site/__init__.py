"""Pages, downloads and the search index, written into the generated folder."""
