"""Ideas and initiatives: registration, authors, attachments, screening, public pages."""
