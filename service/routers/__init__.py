"""One router per resource: health, search, recommend, documents, cities, practices."""
