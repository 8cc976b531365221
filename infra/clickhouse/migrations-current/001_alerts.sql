-- Fraud alerts on a current ClickHouse (the 18.16 form and the column meanings: migrations/001).
-- The columns the services write and read keep their names and types (ts, window_* in ms), so
-- every service query is the same on both servers; `time` is ts as DateTime64(3) for analysts and
-- Grafana (time functions, the sort key). Every version of an alert shares alert_id, rule_id,
-- entity_type, entity and ts (its identity and first firing), so the analysts' sort key (rule,
-- entity, time) still holds all versions of one alert under one key and ReplacingMergeTree keeps
-- the highest `version`; read with FINAL. alert_id lookups use the bloom filter.
-- {{...}} placeholders are filled by migrate.sh (cluster variant, retention): see its header.
CREATE TABLE IF NOT EXISTS alerts{{local}}{{on_cluster}}
(
    alert_id     String,
    rule_id      LowCardinality(String),
    severity     Enum8('LOW' = 1, 'MEDIUM' = 2, 'HIGH' = 3, 'CRITICAL' = 4),
    entity_type  LowCardinality(String),
    entity       String,
    window_start UInt64,
    window_end   UInt64,
    ts           UInt64,
    value        Float64,
    threshold    Float64,
    summary      String,
    evidence     Array(String),
    event_date   Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at  DateTime64(3) DEFAULT now64(3),
    version      UInt64,
    time         DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(ts)),
    INDEX alert_id_bloom alert_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = {{engine ReplacingMergeTree(version)}}
PARTITION BY toYYYYMM(event_date)
ORDER BY (rule_id, entity_type, entity, time, alert_id);
{{distributed alerts cityHash64(alert_id)}};
