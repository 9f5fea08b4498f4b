-- 003: ML Detect's model records (cloud/detect/ml/models.ts), as the embedded store keeps them
-- (cloud/detect/ml/store.ts): the record per (profile, behavior) with its model minus the per-device
-- baselines, and those baselines in parts under a generation the record points at (a save writes a new
-- generation, switches the record to it, then drops the older one).
CREATE TABLE ml_models (key text PRIMARY KEY, json text NOT NULL);
CREATE TABLE ml_model_devices (key text NOT NULL, generation integer NOT NULL, part integer NOT NULL, json text NOT NULL, PRIMARY KEY (key, generation, part));
