// Numbered schema migrations. A case records its version in PRAGMA user_version; opening
// a case runs every newer migration in one transaction each. Never edit a shipped
// migration: add a new one.

export interface Migration {
  version: number
  description: string
  sql: string
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'case, evidence, evidence checks, hash-chained custody log',
    sql: `
      CREATE TABLE case_info (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        case_id TEXT NOT NULL,
        name TEXT NOT NULL,
        examiner TEXT NOT NULL,
        organisation TEXT NOT NULL DEFAULT '',
        time_zone TEXT NOT NULL,
        created_us INTEGER NOT NULL,
        tool TEXT NOT NULL,
        tool_version TEXT NOT NULL
      );

      -- One row per acquired file. Rows are immutable: what was taken in, when and by whom
      -- never changes. Mutable status lives in evidence_check.
      CREATE TABLE evidence (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        original_name TEXT NOT NULL,
        original_path TEXT NOT NULL,
        source_mtime_us INTEGER,
        acquired_us INTEGER NOT NULL,
        examiner TEXT NOT NULL,
        workstation TEXT NOT NULL,
        tool TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        acquired_via TEXT NOT NULL CHECK (acquired_via IN ('file', 'upload', 'archive-member')),
        parent_id INTEGER REFERENCES evidence(id),
        member_path TEXT
      );
      CREATE TRIGGER evidence_immutable_update BEFORE UPDATE ON evidence
        BEGIN SELECT RAISE(ABORT, 'evidence rows are immutable'); END;
      CREATE TRIGGER evidence_immutable_delete BEFORE DELETE ON evidence
        BEGIN SELECT RAISE(ABORT, 'evidence rows are immutable'); END;

      CREATE TABLE evidence_check (
        id INTEGER PRIMARY KEY,
        evidence_id INTEGER NOT NULL REFERENCES evidence(id),
        checked_us INTEGER NOT NULL,
        status TEXT NOT NULL,
        actual_sha256 TEXT
      );
      CREATE INDEX evidence_check_by_item ON evidence_check(evidence_id, id);

      -- The custody log: append-only, each row hashes the previous one (see custody.ts).
      CREATE TABLE custody (
        seq INTEGER PRIMARY KEY,
        ts_us INTEGER NOT NULL,
        examiner TEXT NOT NULL,
        action TEXT NOT NULL,
        object TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
      );
      CREATE TRIGGER custody_append_only_update BEFORE UPDATE ON custody
        BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;
      CREATE TRIGGER custody_append_only_delete BEFORE DELETE ON custody
        BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;
    `
  }
]

/** Triggers whose absence `verify` reports: without them the log is no longer protected. */
export const protectiveTriggers = [
  'evidence_immutable_update',
  'evidence_immutable_delete',
  'custody_append_only_update',
  'custody_append_only_delete'
]
