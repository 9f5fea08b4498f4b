-- 001: what Detect persists (profiles, targets, groups, per-thing gates/states/last-seen, history) and the
-- alert outbox. JSON documents are kept as text (exactly what the cloud wrote) and read as jsonb in filters.
-- part = partition of the thing (cloud/store/partition.ts), so a process taking a partition over loads its rows only.
CREATE TABLE profiles (name text PRIMARY KEY, json text NOT NULL);
CREATE TABLE targets (profile text NOT NULL, arn text NOT NULL, PRIMARY KEY (profile, arn));
CREATE TABLE groups (name text NOT NULL, thing text NOT NULL DEFAULT '', PRIMARY KEY (name, thing));
CREATE TABLE gates (thing text PRIMARY KEY, part integer NOT NULL, last_report_id bigint, last_accepted_at bigint);
CREATE INDEX gates_part ON gates (part);
CREATE TABLE seen (thing text PRIMARY KEY, part integer NOT NULL, at bigint NOT NULL);
CREATE INDEX seen_part ON seen (part);
CREATE TABLE states (key text PRIMARY KEY, thing text NOT NULL, part integer NOT NULL, json text NOT NULL);
CREATE INDEX states_part ON states (part);
CREATE TABLE events (seq bigserial PRIMARY KEY, time bigint NOT NULL, thing text NOT NULL, profile text NOT NULL, json text NOT NULL);
CREATE INDEX events_time ON events (time);
CREATE INDEX events_thing ON events (thing, time);
CREATE TABLE metrics (id bigserial PRIMARY KEY, thing text NOT NULL, metric text NOT NULL, time bigint NOT NULL, value text NOT NULL);
CREATE INDEX metrics_key ON metrics (thing, metric, time);
CREATE INDEX metrics_time ON metrics (time);
CREATE TABLE outbox (seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, target text NOT NULL, payload text NOT NULL,
  attempts integer NOT NULL DEFAULT 0, next_attempt_at bigint NOT NULL, created_at bigint NOT NULL);
CREATE INDEX outbox_target ON outbox (target, seq);
CREATE INDEX outbox_created ON outbox (created_at);
