-- 001: what Detect persists (profiles, targets, groups, the per-thing tables, history) and the alert outbox,
-- in the fleet layout of the embedded store (cloud/store-fleet.ts FLEET_SCHEMA: same tables, same keys).
-- JSON documents are kept as text (exactly what the cloud wrote) and read as jsonb in filters.
-- things.part = partition of the thing (cloud/store/partition.ts), so a process taking a partition over loads its rows only.
CREATE TABLE profiles (name text PRIMARY KEY, json text NOT NULL);
CREATE TABLE targets (profile text NOT NULL, arn text NOT NULL, PRIMARY KEY (profile, arn));
CREATE TABLE groups (name text NOT NULL, thing text NOT NULL DEFAULT '', PRIMARY KEY (name, thing));
-- one row per thing: integer id used by every other per-thing row, report gate and last-seen time
CREATE TABLE things (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, part integer NOT NULL, last_report_id bigint, last_accepted_at bigint, seen bigint);
CREATE INDEX things_part ON things (part);
CREATE TABLE behavior_keys (id bigserial PRIMARY KEY, profile text NOT NULL, behavior text NOT NULL, UNIQUE (profile, behavior));
-- only the Detect states that differ from the initial one
CREATE TABLE behavior_states (thing bigint NOT NULL, behavior bigint NOT NULL, json text NOT NULL, PRIMARY KEY (thing, behavior));
CREATE TABLE metric_names (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE);
-- metric history: one row per report (or per thing per closed cloud window), the values one packed CBOR blob (cloud/metric-pack.ts)
CREATE TABLE metric_rows (hour bigint NOT NULL, thing bigint NOT NULL, time bigint NOT NULL, data bytea NOT NULL, PRIMARY KEY (hour, thing, time));
CREATE TABLE events (seq bigserial PRIMARY KEY, time bigint NOT NULL, thing text NOT NULL, profile text NOT NULL, json text NOT NULL);
CREATE INDEX events_time ON events (time);
CREATE INDEX events_thing ON events (thing, time);
CREATE INDEX events_violation ON events (((json::jsonb) ->> 'violationId'));
-- PutVerificationStateOnViolation, joined into ListViolationEvents (as cloud/store.ts)
CREATE TABLE verification_states (violation_id text PRIMARY KEY, state text NOT NULL, description text, time bigint NOT NULL);
CREATE TABLE outbox (seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, target text NOT NULL, payload text NOT NULL,
  attempts integer NOT NULL DEFAULT 0, next_attempt_at bigint NOT NULL, created_at bigint NOT NULL);
CREATE INDEX outbox_target ON outbox (target, seq);
CREATE INDEX outbox_created ON outbox (created_at);
