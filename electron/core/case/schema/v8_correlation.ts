// Schema version 8: people, identities, places, devices and findings (issue 7).
//
// Entities (person, identity, identity_host, place, device) are derived from the events and
// rebuilt by electron/core/correlation/*.ts whenever the events change; decisions
// (person_link status, finding status) are the investigator's and survive every rebuild:
// they are keyed by stable natural keys (a person's key, an identity's value, a finding's key),
// never by the rebuilt row ids.
import type { Migration } from '../migrations'

export const v8Correlation: Migration = {
  version: 8,
  description: 'people, identities, places, devices and findings (issue 7)',
  sql: `
    -- Rules select events by (category, action) and time: badge denials, forced doors,
    -- logons, alerts are a small part of a case, so this index keeps every rule off a full scan.
    CREATE INDEX IF NOT EXISTS event_by_category_action ON event(category, action, ts);
    -- Covering indexes for the two event kinds every run reads in bulk, so those reads never
    -- touch the table: badge events (who, where, when) and sign-ins by account.
    CREATE INDEX IF NOT EXISTS event_badge ON event(action, ts, actor_id, actor, location) WHERE category = 'access';
    CREATE INDEX IF NOT EXISTS event_auth_by_actor ON event(actor, ts, outcome, action, host, location) WHERE category = 'auth';

    -- A person seen in badge data. key is stable across rebuilds: card:<n>, emp:<id> or name:<normalised>.
    CREATE TABLE person (
      id INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      norm_name TEXT NOT NULL,
      employee_id TEXT,
      cards TEXT NOT NULL DEFAULT '[]',
      events INTEGER NOT NULL,
      first_us INTEGER NOT NULL,
      last_us INTEGER NOT NULL
    );
    -- Badge event → person: by card number (actor_id) or, with no card, by the actor name.
    CREATE TABLE person_credential (
      kind TEXT NOT NULL CHECK (kind IN ('card', 'name')),
      value TEXT NOT NULL,
      person_id INTEGER NOT NULL,
      PRIMARY KEY (kind, value)
    ) WITHOUT ROWID;

    -- An account seen in IT logs (the event actor of auth / cloud events).
    CREATE TABLE identity (
      id INTEGER PRIMARY KEY,
      value TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      norm TEXT NOT NULL,
      sources TEXT NOT NULL DEFAULT '[]',
      events INTEGER NOT NULL,
      first_us INTEGER NOT NULL,
      last_us INTEGER NOT NULL
    );
    -- Hosts and addresses an identity used: logons, DHCP leases, VPN assignments.
    CREATE TABLE identity_host (
      identity_id INTEGER NOT NULL,
      host TEXT,
      ip TEXT,
      via TEXT NOT NULL,
      events INTEGER NOT NULL,
      first_us INTEGER NOT NULL,
      last_us INTEGER NOT NULL
    );
    CREATE INDEX identity_host_by_identity ON identity_host(identity_id);

    -- Suggested, confirmed or rejected person ↔ identity links. Keyed by the stable person key
    -- and identity value so a rebuild of the entities keeps every decision.
    CREATE TABLE person_link (
      person_key TEXT NOT NULL,
      identity_value TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('suggested', 'confirmed', 'rejected')),
      reason TEXT NOT NULL,
      score REAL NOT NULL,
      decided_us INTEGER,
      examiner TEXT,
      note TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (person_key, identity_value)
    ) WITHOUT ROWID;

    CREATE TABLE place (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('site', 'door', 'camera')),
      name TEXT NOT NULL,
      site TEXT,
      location TEXT,
      readers TEXT NOT NULL DEFAULT '[]',
      events INTEGER NOT NULL,
      first_us INTEGER,
      last_us INTEGER,
      UNIQUE (kind, name, site)
    );

    CREATE TABLE device (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      site TEXT,
      events INTEGER NOT NULL,
      first_us INTEGER,
      last_us INTEGER,
      versions TEXT NOT NULL DEFAULT '[]',
      problems TEXT NOT NULL DEFAULT '[]',
      UNIQUE (kind, name)
    );

    -- One finding of one rule. key identifies it across reruns (rule, subject, time) so a
    -- confirmed or dismissed finding keeps its decision when the rules run again.
    CREATE TABLE finding (
      id INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,
      rule TEXT NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
      ts_us INTEGER NOT NULL,
      end_us INTEGER NOT NULL,
      title TEXT NOT NULL,
      explanation TEXT NOT NULL,
      subjects TEXT NOT NULL DEFAULT '[]',
      event_ids TEXT NOT NULL DEFAULT '[]',
      cameras TEXT NOT NULL DEFAULT '[]',
      -- The person ↔ identity links the finding rests on, [[person_key, identity], …]:
      -- "unconfirmed link" is shown while any of them is not confirmed.
      links TEXT NOT NULL DEFAULT '[]',
      unconfirmed_link INTEGER NOT NULL DEFAULT 0,
      status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'dismissed')),
      reason TEXT NOT NULL DEFAULT '',
      decided_us INTEGER,
      examiner TEXT,
      run_id INTEGER NOT NULL,
      current INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX finding_by_ts ON finding(ts_us);

    -- Rule settings (one JSON document, validated by zod) and the state of the last run.
    CREATE TABLE correlation_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      settings TEXT NOT NULL DEFAULT '{}',
      last_run_us INTEGER,
      last_run_ms REAL,
      run_id INTEGER NOT NULL DEFAULT 0,
      events_seen INTEGER NOT NULL DEFAULT -1,
      max_event_id INTEGER NOT NULL DEFAULT -1
    );
    INSERT INTO correlation_state (id) VALUES (1);
  `
}
