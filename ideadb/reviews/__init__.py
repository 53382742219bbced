"""Review rounds: panels, conflicts, assignment, score sheets, deliberation, decisions."""
