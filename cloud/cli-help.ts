/* cli-help — the usage text of `npm run cloud -- help`. */

export const HELP = `usage: npm run cloud -- <command> [options]

  start [--port 8883] [--host 127.0.0.1] [--san NAME|IP]... [--data DIR] [--pki DIR] [--allow FILTER]... [--min-interval 300]
        [--invalidate-after 172800] [--jsonl FILE] [--webhook URL] [--no-stdout | --json] [--status-interval 60]
        [--broker mqtts://127.0.0.1:PORT [--plugin]] [--api-port 8443 [--api-scheme http|https]
        [--smtp smtp://user:pass@host:port [--smtp-ca CA.pem]] [--mail-from ADDRESS]
        [--auto-mitigate PROFILE[/BEHAVIOR]=ACTION[,ACTION]]...]
        [--ml-training-days 14] [--ml-min-datapoints 25000]
        [--database postgres://user:pass@host:port/db [--node NAME]]
                                  run the broker + Detect in the foreground (Ctrl-C stops); prints each
                                  alert as a readable line on stdout (--json: the raw SNS shape), and on
                                  stderr a line per thing connecting or disconnecting and a status line
                                  every --status-interval seconds;
                                  with --broker, Detect subscribes to that external broker instead
                                  (client defender-detect, certificate from --pki; no cloud-side metrics
                                  unless the broker runs the Defender plugin: --plugin);
                                  with --api-port, also serve the AWS IoT control-plane API and the SNS
                                  subset (docs/api.md); --smtp is the relay for e-mail subscribers;
                                  --auto-mitigate starts a mitigation task on each in-alarm of the behavior
                                  (beyond AWS; docs/api.md "Automatic mitigation");
                                  --host binds broker and API there (0.0.0.0: every interface, for devices
                                  on the LAN); the broker certificate names this machine's host names and
                                  addresses plus each --san (re-issued from the CA when the set changes);
                                  --database keeps Detect's state in PostgreSQL (migrated at start); with
                                  --node and --broker, several processes share the things by leases
                                  (Detect client defender-detect.NAME; docs/cloud.md "PostgreSQL")
  api-key [--data DIR]            print the API's first access key pair (created if none) as
                                  AWS_ACCESS_KEY_ID=… / AWS_SECRET_ACCESS_KEY=… lines
  mosquitto-conf --port PORT --out DIR [--pki DIR] [--allow FILTER]... [--user mosquitto]
                 [--thing T]... [--dynsec PATH/mosquitto_dynamic_security.so] [--detect-node NAME]... | [--plugin [--revoked FILE]]
                                  write DIR/mosquitto.conf and DIR/certs/ for mosquitto 2.0 (mutual TLS,
                                  client id = certificate CN; as root, DIR is handed to --user) with either
                                  DIR/dynamic-security.json: the per-thing policy of mosquitto's own plugin
                                  for every thing certificate in --pki or each --thing, or, with --plugin,
                                  DIR/defender_plugin.so (built with gcc, mosquitto-dev): our plugin, for
                                  identity, policy, cloud-side counters and revocation of every thing
  revoke (<thing> | --serial HEX) --file FILE
                                  add a revocation to the plugin's list (the thing is disconnected at once)
  ca [--pki DIR]                  create the local CA (ca.cert.pem, ca.key.pem, ca.cert.der)
  cert <thing> [--pki DIR]        issue a thing certificate: PEM, DER and PKCS#8 DER key
  moddable-files --cert PEM --key PEM --out DIR [--ca PEM | --pki DIR]
                                  write device.der, private-key.der (PKCS#8) and ca.der for a Moddable build
                                  from a certificate made elsewhere (create-keys-and-certificate)
  group create <group> [--endpoint URL] [--data DIR]
  group add <group> <thing> [--endpoint URL] [--data DIR]
  profile create --file profile.json [--endpoint URL] [--data DIR]   (the JSON aws iot create-security-profile takes)
  profile list [--endpoint URL] [--data DIR]
  profile attach <profile> (--group <group> | --all | --target <arn>) [--endpoint URL] [--data DIR]
  validate --file profile.json    print validationErrors (exit 1 when invalid)
  violations [--history] [--thing T] [--endpoint URL] [--data DIR]
  dimension create|update <name> --value TOPIC_FILTER... | describe|delete <name> | list   [--endpoint URL] [--data DIR]
  custom-metric create <name> --type number|number-list|string-list|ip-address-list [--display-name N]
              | update <name> --display-name N | describe|delete <name> | list   [--endpoint URL] [--data DIR]
  verify <violationId> --state TRUE_POSITIVE|BENIGN_POSITIVE|FALSE_POSITIVE|UNKNOWN [--description TEXT]
                                  PutVerificationStateOnViolation  [--endpoint URL] [--data DIR]
  mitigation action <name> --group <g>... [--role ARN]      CreateMitigationAction (add to thing groups)
  mitigation start <taskId> --action <a>... (--profile <p> [--behavior <b>] | --violation <id>...)
  mitigation task <taskId>        the task's summary and executions
  policy create <name> --file policy.json | policy attach <name> --group <g>
                                  mitigation and policy: through a running cloud's API only (docs/api.md)
  metrics <thing> <metric> [--minutes 1440] [--endpoint URL] [--data DIR]
                                  the thing's stored datapoints of the metric (ListMetricValues)
  ml-models [--profile P] [--endpoint URL] [--data DIR]
                                  ML behaviors' model state (GetBehaviorModelTrainingSummaries): PENDING_BUILD
                                  with datapointsCollectionPercentage, ACTIVE, EXPIRED
  help

group, profile, violations, dimension, custom-metric and verify: with --endpoint http://127.0.0.1:API-PORT they go through the running cloud's
API (credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else the first key in --data) and take effect at
once; without it they work on the data dir, and refuse while a cloud runs on it.
Options are strict: an unknown option, a missing value or an extra argument exits with code 2.
defaults: --data ./.cloud/data  --pki ./.cloud/pki`;
