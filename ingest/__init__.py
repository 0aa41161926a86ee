"""Turn PDF files into documents: text per page, passages, language, cities, topics, practices."""
