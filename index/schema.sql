-- Praxis library: SQLite is the source of truth; the faiss file is a cache of `embeddings`.
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS documents (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL UNIQUE,   -- file name: identity of a publication across re-ingests
    sha256      TEXT NOT NULL,
    stored_path TEXT NOT NULL,          -- copy of the original PDF inside the data directory
    title       TEXT NOT NULL,
    language    TEXT,
    pages       INTEGER NOT NULL,
    status      TEXT NOT NULL,          -- 'indexed' or 'no_text'
    publisher   TEXT,
    network     TEXT,
    year        INTEGER,
    country     TEXT,
    kind        TEXT,
    source_url  TEXT,
    added_at    TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS passages (
    id          INTEGER PRIMARY KEY,    -- also the faiss id
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    page_start  INTEGER NOT NULL,
    page_end    INTEGER NOT NULL,
    language    TEXT,
    text_hash   TEXT NOT NULL           -- hash of what was embedded: key into `embeddings`
);
CREATE INDEX IF NOT EXISTS passages_document ON passages(document_id);
CREATE INDEX IF NOT EXISTS passages_hash ON passages(text_hash);
CREATE INDEX IF NOT EXISTS passages_language ON passages(language);

-- Vectors by content hash, so re-ingesting changed files re-embeds only changed passages.
CREATE TABLE IF NOT EXISTS embeddings (
    text_hash TEXT PRIMARY KEY,
    vector    BLOB NOT NULL             -- float32, L2-normalised
);

CREATE TABLE IF NOT EXISTS cities (
    geonameid  INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    population INTEGER NOT NULL,
    latitude   REAL NOT NULL,
    longitude  REAL NOT NULL,
    aliases    TEXT NOT NULL DEFAULT '',          -- '|wien|vienne|...|': folded spellings, for look-ups
    name_source TEXT NOT NULL DEFAULT 'gazetteer' -- 'catalogue' (the library's spelling) wins over it
);
CREATE INDEX IF NOT EXISTS cities_name ON cities(name COLLATE NOCASE);

CREATE TABLE IF NOT EXISTS document_cities (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    geonameid   INTEGER NOT NULL REFERENCES cities(geonameid),
    role        TEXT,                   -- 'mentor', 'mentee', ... when the document says
    origin      TEXT NOT NULL,          -- 'catalogue' or 'text'
    mentions    INTEGER NOT NULL,
    PRIMARY KEY (document_id, geonameid)
);
CREATE INDEX IF NOT EXISTS document_cities_city ON document_cities(geonameid);

CREATE TABLE IF NOT EXISTS passage_cities (
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    geonameid  INTEGER NOT NULL REFERENCES cities(geonameid),
    PRIMARY KEY (passage_id, geonameid)
);
CREATE INDEX IF NOT EXISTS passage_cities_city ON passage_cities(geonameid);

CREATE TABLE IF NOT EXISTS document_topics (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    topic       TEXT NOT NULL,
    PRIMARY KEY (document_id, topic)
);

CREATE TABLE IF NOT EXISTS passage_topics (
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    topic      TEXT NOT NULL,
    PRIMARY KEY (passage_id, topic)
);
CREATE INDEX IF NOT EXISTS passage_topics_topic ON passage_topics(topic);
CREATE INDEX IF NOT EXISTS document_topics_topic ON document_topics(topic);

-- A practice: one named initiative a city (or several) runs. Several documents, in several
-- languages, may describe it: each is a row of practice_sources (index/practices.py merges
-- the records of one initiative after every write). `document_id` is its first source.
CREATE TABLE IF NOT EXISTS practices (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    title         TEXT NOT NULL,          -- the initiative's name
    geonameid     INTEGER REFERENCES cities(geonameid),   -- the (first) city that runs it
    country       TEXT,
    language      TEXT,                   -- of its first source
    topics        TEXT NOT NULL,          -- JSON list of topic slugs
    page_start    INTEGER NOT NULL,       -- in its first source
    page_end      INTEGER NOT NULL,
    origin        TEXT NOT NULL,          -- 'catalogue' or 'inferred'
    organisation  TEXT,
    description   TEXT,                   -- 1-3 sentences quoted from its first source
    target_groups TEXT NOT NULL DEFAULT '[]',  -- JSON list
    period        TEXT,
    aliases       TEXT NOT NULL DEFAULT '[]'   -- JSON: short names ("Start Wien") used to merge sources
);
CREATE INDEX IF NOT EXISTS practices_document ON practices(document_id);
CREATE INDEX IF NOT EXISTS practices_city ON practices(geonameid);

-- Where a practice is described: one row per document (and page span) that describes it.
CREATE TABLE IF NOT EXISTS practice_sources (
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,            -- the practice's name in this source
    language    TEXT,
    page_start  INTEGER NOT NULL,
    page_end    INTEGER NOT NULL,
    PRIMARY KEY (practice_id, document_id, page_start)
);
CREATE INDEX IF NOT EXISTS practice_sources_document ON practice_sources(document_id);

-- Every city that runs a practice (the first is practices.geonameid).
CREATE TABLE IF NOT EXISTS practice_cities (
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    geonameid   INTEGER NOT NULL REFERENCES cities(geonameid),
    ordinal     INTEGER NOT NULL,
    PRIMARY KEY (practice_id, geonameid)
);
CREATE INDEX IF NOT EXISTS practice_cities_city ON practice_cities(geonameid);

CREATE TABLE IF NOT EXISTS practice_passages (
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    passage_id  INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    PRIMARY KEY (practice_id, passage_id)
);
CREATE INDEX IF NOT EXISTS practice_passages_passage ON practice_passages(passage_id);

-- Pairs of documents that are one publication in two languages (document_a < document_b).
CREATE TABLE IF NOT EXISTS translations (
    document_a INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    document_b INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    score      REAL NOT NULL,
    PRIMARY KEY (document_a, document_b)
);

-- Documents whose translation pairs are not computed yet: written in the same transaction as the
-- document, so a crash before the pairs are recomputed leaves the work listed (index/library.py).
CREATE TABLE IF NOT EXISTS pending_translations (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE
);

-- Lexical index over passages; rowid = passages.id. Diacritics folded so "Lörrach" ~ "Lorrach".
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    text, title,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The lexical index's terms, one row each (a read-only view FTS5 keeps up to date).
CREATE VIRTUAL TABLE IF NOT EXISTS passages_vocab USING fts5vocab(passages_fts, 'row');

-- One vector per lexical term, for bridging query words across languages (index/term_bridge.py).
-- A cache like the faiss file: filled after each ingest job, emptied when the embedder changes.
-- (A rowid table: 1.5 KB rows pack 2.2x worse WITHOUT ROWID.)
CREATE TABLE IF NOT EXISTS term_vectors (
    term     TEXT PRIMARY KEY,  -- as the FTS index folds it ("gefluchteten")
    vector   BLOB NOT NULL,     -- of the spelling below: the model reads "geflüchteten" better
    spelling TEXT               -- how the library writes it, when that differs; NULL: as the term
);
