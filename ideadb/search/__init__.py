"""Search: the Whoosh index derived from the database, queries, facets, suggestions, similar ideas."""
