"""Reports and exports: ranked lists, score sheets, yearly summaries, statistics, open data."""
