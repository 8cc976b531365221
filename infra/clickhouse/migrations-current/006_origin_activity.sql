-- Per-minute call activity per origin on a current ClickHouse (meanings: migrations/006).
CREATE TABLE IF NOT EXISTS origin_activity{{local}}{{on_cluster}}
(
    entity_type LowCardinality(String),
    entity      String,
    minute      UInt64,
    attempts    UInt64,
    answered    UInt64,
    event_date  Date DEFAULT toDate(toDateTime(intDiv(minute, 1000))),
    time        DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(minute))
)
ENGINE = {{engine SummingMergeTree((attempts, answered))}}
PARTITION BY toYYYYMM(event_date)
ORDER BY (entity_type, entity, minute);
{{distributed origin_activity cityHash64(entity_type, entity)}};
