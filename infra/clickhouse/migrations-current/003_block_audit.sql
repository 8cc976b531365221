-- The blocker's decisions on a current ClickHouse (meanings: migrations/003). decision_id hashes
-- ts, rule, entity and action, so the sort key (entity, time, decision) keeps one key per decision.
CREATE TABLE IF NOT EXISTS block_audit{{local}}{{on_cluster}}
(
    decision_id String,
    ts          UInt64,
    action      LowCardinality(String),
    result      LowCardinality(String),
    reason      String,
    rule_id     LowCardinality(String),
    alert_id    String,
    entity_type LowCardinality(String),
    entity      String,
    expires_at  UInt64,
    dry_run     UInt8,
    event_date  Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at DateTime64(3) DEFAULT now64(3),
    time        DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(ts)),
    INDEX alert_id_bloom alert_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = {{engine ReplacingMergeTree(inserted_at)}}
PARTITION BY toYYYYMM(event_date)
ORDER BY (entity_type, entity, time, decision_id);
{{distributed block_audit cityHash64(decision_id)}};
