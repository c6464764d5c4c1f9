// Numbered schema migrations. A case records its version in PRAGMA user_version; opening
// a case runs every newer migration in one transaction each. Never edit a shipped
// migration: add a new one.

import { v4ImportSpeed } from './schema/v4_importSpeed'
import { v5Video } from './schema/v5_video'
import { v6Annotations } from './schema/v6_annotations'
import { v7Exports } from './schema/v7_exports'
import { v8Correlation } from './schema/v8_correlation'

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
  },
  {
    version: 2,
    description: 'sources, normalised events with byte references, import issues, full-text search',
    sql: `
      -- One row per imported evidence file: the format and every time decision used to read it.
      CREATE TABLE source (
        id INTEGER PRIMARY KEY,
        evidence_id INTEGER NOT NULL REFERENCES evidence(id),
        format TEXT NOT NULL,
        format_chosen_by TEXT NOT NULL CHECK (format_chosen_by IN ('detected', 'user')),
        detection TEXT NOT NULL DEFAULT '[]',
        time_zone TEXT NOT NULL,
        explicit_year INTEGER,
        clock_offset_us INTEGER NOT NULL DEFAULT 0,
        imported_us INTEGER NOT NULL,
        examiner TEXT NOT NULL,
        event_count INTEGER NOT NULL,
        bad_count INTEGER NOT NULL,
        invalid_utf8_count INTEGER NOT NULL DEFAULT 0,
        first_us INTEGER,
        last_us INTEGER,
        decisions TEXT NOT NULL DEFAULT '{}',
        notes TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX source_by_evidence ON source(evidence_id);

      -- ts is the corrected UTC time (µs); source_ts the time as the source's clock said it
      -- (after zone and year decisions, before the clock offset). ref_* point at the exact
      -- bytes of the evidence file. flags: 1 DST-ambiguous, 2 DST gap, 4 year inferred,
      -- 8 source zone assumed, 16 invalid UTF-8 replaced.
      CREATE TABLE event (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES source(id),
        ts INTEGER NOT NULL,
        source_ts INTEGER NOT NULL,
        raw_time TEXT NOT NULL,
        category TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        actor TEXT,
        actor_id TEXT,
        host TEXT,
        src_ip TEXT,
        dst_ip TEXT,
        location TEXT,
        message TEXT NOT NULL,
        fields TEXT,
        ref_offset INTEGER NOT NULL,
        ref_length INTEGER NOT NULL,
        ref_line INTEGER,
        ref_record INTEGER,
        flags INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX event_by_ts ON event(ts);
      CREATE INDEX event_by_source_ts ON event(source_id, ts);
      CREATE INDEX event_by_actor ON event(actor, ts) WHERE actor IS NOT NULL;
      CREATE INDEX event_by_actor_id ON event(actor_id, ts) WHERE actor_id IS NOT NULL;
      CREATE INDEX event_by_location ON event(location, ts) WHERE location IS NOT NULL;
      CREATE INDEX event_by_host ON event(host, ts) WHERE host IS NOT NULL;
      CREATE INDEX event_by_src_ip ON event(src_ip, ts) WHERE src_ip IS NOT NULL;
      CREATE INDEX event_by_category ON event(category, ts);

      -- Free-text search over what investigators type: message, people, hosts, places.
      CREATE VIRTUAL TABLE event_fts USING fts5(
        message, actor, host, location, action,
        content = 'event', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
      );

      -- Lines or records that could not be read (first ones per source, for the report).
      CREATE TABLE import_issue (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES source(id),
        line INTEGER,
        record INTEGER,
        byte_offset INTEGER NOT NULL,
        reason TEXT NOT NULL,
        excerpt TEXT NOT NULL
      );
      CREATE INDEX import_issue_by_source ON import_issue(source_id, id);
    `
  },
  {
    version: 3,
    description: 'timeline pre-aggregates: event counts per source, category and location at nine bucket widths',
    sql: `
      -- A cell is one (source, category) pair, or one (source, category, location) triple for
      -- the events that name a place. Each event_bucket_<width> table counts a cell's events
      -- (and failures) per bucket b = floor(ts / width); widths nest (each divides the next).
      -- Rebuilt per source whenever its event times change (electron/core/timeline/aggregates.ts).
      CREATE TABLE timeline_cell (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES source(id),
        category TEXT NOT NULL,
        location TEXT,
        events INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        first_us INTEGER NOT NULL,
        last_us INTEGER NOT NULL
      );
      CREATE INDEX timeline_cell_by_source ON timeline_cell(source_id, category, location);
      CREATE TABLE event_bucket_1s (cell INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (cell, b)) WITHOUT ROWID;
      CREATE TABLE event_bucket_10s (cell INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (cell, b)) WITHOUT ROWID;
      CREATE TABLE event_bucket_1m (cell INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (cell, b)) WITHOUT ROWID;
      CREATE TABLE event_bucket_5m (cell INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (cell, b)) WITHOUT ROWID;
      CREATE TABLE event_bucket_15m (cell INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (cell, b)) WITHOUT ROWID;
      CREATE TABLE event_bucket_1h (cell INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (cell, b)) WITHOUT ROWID;
      CREATE TABLE event_bucket_3h (cell INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (cell, b)) WITHOUT ROWID;
      CREATE TABLE event_bucket_12h (cell INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (cell, b)) WITHOUT ROWID;
      CREATE TABLE event_bucket_1d (cell INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (cell, b)) WITHOUT ROWID;

      -- Cases imported before this version: aggregate their events now, as an import would.
      INSERT INTO timeline_cell (source_id, category, location, events, failures, first_us, last_us)
        SELECT source_id, category, NULL, COUNT(*), SUM(outcome = 'failure'), MIN(ts), MAX(ts) FROM event GROUP BY source_id, category;
      INSERT INTO timeline_cell (source_id, category, location, events, failures, first_us, last_us)
        SELECT source_id, category, location, COUNT(*), SUM(outcome = 'failure'), MIN(ts), MAX(ts) FROM event
         WHERE location IS NOT NULL GROUP BY source_id, category, location;
      INSERT INTO event_bucket_1s (cell, b, n, failures)
        SELECT c.id, ((e.ts) - (((e.ts) % 1000000) + 1000000) % 1000000) / 1000000 AS bucket, COUNT(*), SUM(e.outcome = 'failure')
          FROM event e JOIN timeline_cell c ON c.source_id = e.source_id AND c.category = e.category AND c.location IS NULL
         GROUP BY c.id, bucket;
      INSERT INTO event_bucket_1s (cell, b, n, failures)
        SELECT c.id, ((e.ts) - (((e.ts) % 1000000) + 1000000) % 1000000) / 1000000 AS bucket, COUNT(*), SUM(e.outcome = 'failure')
          FROM event e JOIN timeline_cell c ON c.source_id = e.source_id AND c.category = e.category AND c.location = e.location
         GROUP BY c.id, bucket;
      INSERT INTO event_bucket_10s (cell, b, n, failures) SELECT cell, ((b) - (((b) % 10) + 10) % 10) / 10 AS bucket, SUM(n), SUM(failures) FROM event_bucket_1s GROUP BY cell, bucket;
      INSERT INTO event_bucket_1m (cell, b, n, failures) SELECT cell, ((b) - (((b) % 6) + 6) % 6) / 6 AS bucket, SUM(n), SUM(failures) FROM event_bucket_10s GROUP BY cell, bucket;
      INSERT INTO event_bucket_5m (cell, b, n, failures) SELECT cell, ((b) - (((b) % 5) + 5) % 5) / 5 AS bucket, SUM(n), SUM(failures) FROM event_bucket_1m GROUP BY cell, bucket;
      INSERT INTO event_bucket_15m (cell, b, n, failures) SELECT cell, ((b) - (((b) % 3) + 3) % 3) / 3 AS bucket, SUM(n), SUM(failures) FROM event_bucket_5m GROUP BY cell, bucket;
      INSERT INTO event_bucket_1h (cell, b, n, failures) SELECT cell, ((b) - (((b) % 4) + 4) % 4) / 4 AS bucket, SUM(n), SUM(failures) FROM event_bucket_15m GROUP BY cell, bucket;
      INSERT INTO event_bucket_3h (cell, b, n, failures) SELECT cell, ((b) - (((b) % 3) + 3) % 3) / 3 AS bucket, SUM(n), SUM(failures) FROM event_bucket_1h GROUP BY cell, bucket;
      INSERT INTO event_bucket_12h (cell, b, n, failures) SELECT cell, ((b) - (((b) % 4) + 4) % 4) / 4 AS bucket, SUM(n), SUM(failures) FROM event_bucket_3h GROUP BY cell, bucket;
      INSERT INTO event_bucket_1d (cell, b, n, failures) SELECT cell, ((b) - (((b) % 2) + 2) % 2) / 2 AS bucket, SUM(n), SUM(failures) FROM event_bucket_12h GROUP BY cell, bucket;
    `
  },
  // Later versions live one per file in ./schema/.
  v4ImportSpeed,
  v5Video,
  v6Annotations,
  v7Exports,
  v8Correlation,
]

/** Triggers whose absence `verify` reports: without them the log is no longer protected. */
export const protectiveTriggers = [
  'evidence_immutable_update',
  'evidence_immutable_delete',
  'custody_append_only_update',
  'custody_append_only_delete',
  // Annotations are the investigator's statements: versions and tombstones only (schema 6).
  ...['annotation', 'annotation_version', 'event_tag_log', 'saved_view_version'].flatMap((t) => [`${t}_append_only_update`, `${t}_append_only_delete`])
]
