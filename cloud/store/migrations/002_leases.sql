-- 002: partition leases for several cloud processes sharing this database (cloud/store/pg-leases.ts).
-- One row per partition (64, cloud/store/partition.ts PARTITIONS); owner NULL or expires_at in the past = free.
-- nodes: one heartbeat row per live process, to size each one's fair share.
CREATE TABLE leases (part integer PRIMARY KEY, owner text, expires_at timestamptz NOT NULL DEFAULT '-infinity');
INSERT INTO leases (part) SELECT generate_series(0, 63);
CREATE TABLE nodes (owner text PRIMARY KEY, expires_at timestamptz NOT NULL);
