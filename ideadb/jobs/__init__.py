"""Background jobs as people see them: the administrators' list, a job's progress page."""
