"""Data contracts on the raw tables: Great Expectations on chunks, keys and references in SQL."""
