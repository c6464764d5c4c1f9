// Schema version 6: bookmarks, tags, notes and saved views (issue 5).
//
// Annotations are the investigator's own statements about the evidence, so they follow the
// custody log's rule: rows are only ever added. An edit is a new version row, a deletion a
// version row with deleted = 1 (a tombstone); triggers refuse UPDATE and DELETE. The
// "current" state is always the latest version. event_tag is the one derived table: the
// tags an event carries now, rebuilt from event_tag_log whenever it changes, so that the
// tag filter of events.query is one index lookup. Event ids carry no foreign key: a source
// re-read from its evidence gets new event rows, and the annotation must not block that;
// event_ref (sha256:offset of the event's bytes) is the stable anchor.
import type { Migration } from '../migrations'

const appendOnly = (table: string): string => `
      CREATE TRIGGER ${table}_append_only_update BEFORE UPDATE ON ${table}
        BEGIN SELECT RAISE(ABORT, '${table} is append-only: write a new version'); END;
      CREATE TRIGGER ${table}_append_only_delete BEFORE DELETE ON ${table}
        BEGIN SELECT RAISE(ABORT, '${table} is append-only: write a tombstone'); END;`

export const v6Annotations: Migration = {
  version: 6,
  description: 'bookmarks, tags, notes and saved views (issue 5)',
  sql: `
      -- One row per bookmark or note ever made: its identity and what it is attached to.
      CREATE TABLE annotation (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('bookmark', 'note')),
        event_id INTEGER,
        -- The event's evidence bytes (sha256:offset): ids change if a source is re-read.
        event_ref TEXT,
        created_us INTEGER NOT NULL,
        examiner TEXT NOT NULL
      );
      CREATE INDEX annotation_by_event ON annotation(event_id) WHERE event_id IS NOT NULL;
      ${appendOnly('annotation')}

      -- Every version of every bookmark or note; the highest version is the current one.
      CREATE TABLE annotation_version (
        annotation_id INTEGER NOT NULL REFERENCES annotation(id),
        version INTEGER NOT NULL,
        from_us INTEGER,
        to_us INTEGER,
        title TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        ts_us INTEGER NOT NULL,
        examiner TEXT NOT NULL,
        custody_seq INTEGER NOT NULL,
        PRIMARY KEY (annotation_id, version)
      ) WITHOUT ROWID;
      ${appendOnly('annotation_version')}

      -- Tagging and untagging, in order.
      CREATE TABLE event_tag_log (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL,
        event_ref TEXT NOT NULL,
        tag TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('add', 'remove')),
        ts_us INTEGER NOT NULL,
        examiner TEXT NOT NULL,
        custody_seq INTEGER NOT NULL
      );
      CREATE INDEX event_tag_log_by_event ON event_tag_log(event_id, tag, id);
      ${appendOnly('event_tag_log')}

      -- Derived from event_tag_log (see above): the tags events carry now.
      CREATE TABLE event_tag (
        tag TEXT NOT NULL,
        event_id INTEGER NOT NULL,
        PRIMARY KEY (tag, event_id)
      ) WITHOUT ROWID;
      CREATE INDEX event_tag_by_event ON event_tag(event_id);

      -- Saved views: name → filters, grouping, lanes and visible range (JSON), versioned.
      CREATE TABLE saved_view_version (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        state TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        ts_us INTEGER NOT NULL,
        examiner TEXT NOT NULL
      );
      CREATE INDEX saved_view_by_name ON saved_view_version(name, id);
      ${appendOnly('saved_view_version')}

      -- Door and place lanes read their marks (id, ts, source, category, outcome) from this
      -- index alone instead of from scattered rows (timeline/histogram.ts fetchMarks). It
      -- serves every query the (location, ts) index served; imports rebuild it as it is.
      DROP INDEX IF EXISTS event_by_location;
      CREATE INDEX event_by_location ON event(location, ts, source_id, category, outcome) WHERE location IS NOT NULL;
      -- Person lanes likewise (counts, bars and marks of a person from the index alone:
      -- 50 people's day histograms over 10M events took 2.3 s with (actor, ts), 0.13 s with this).
      DROP INDEX IF EXISTS event_by_actor;
      CREATE INDEX event_by_actor ON event(actor, ts, outcome, category, source_id) WHERE actor IS NOT NULL;
      DROP INDEX IF EXISTS event_by_actor_id;
      CREATE INDEX event_by_actor_id ON event(actor_id, ts, outcome, category, source_id) WHERE actor_id IS NOT NULL;

      -- The timeline's working layout (lane order, hidden and collapsed lanes per grouping).
      -- A display preference, not a statement about evidence: overwritten in place, no custody.
      CREATE TABLE timeline_layout (
        key TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_us INTEGER NOT NULL
      );
  `
}
