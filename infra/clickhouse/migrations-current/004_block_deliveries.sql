-- Hook deliveries on a current ClickHouse (meanings: migrations/004). A delivery's ts is when it
-- ended (not part of delivery_id), so the key is the decision it serves, then the delivery.
CREATE TABLE IF NOT EXISTS block_deliveries{{local}}{{on_cluster}}
(
    delivery_id     String,
    ts              UInt64,
    decision_id     String,
    idempotency_key String,
    action          LowCardinality(String),
    entity_type     LowCardinality(String),
    entity          String,
    target          LowCardinality(String),
    result          LowCardinality(String),
    attempts        UInt32,
    status          UInt16,
    error           String,
    duration_ms     UInt64,
    event_date      Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at     DateTime64(3) DEFAULT now64(3),
    time            DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(ts))
)
ENGINE = {{engine ReplacingMergeTree(inserted_at)}}
PARTITION BY toYYYYMM(event_date)
ORDER BY (decision_id, delivery_id);
{{distributed block_deliveries cityHash64(decision_id)}};
