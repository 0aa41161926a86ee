"""Storage (SQLite, the source of truth) and retrieval (faiss dense cache + FTS5 lexical)."""
