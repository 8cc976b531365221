-- Exports and changes through the SOC service on a current ClickHouse (meanings: migrations/008).
CREATE TABLE IF NOT EXISTS soc_audit{{local}}{{on_cluster}}
(
    event_id    String,
    ts          UInt64,
    actor       String,
    role        LowCardinality(String),
    action      LowCardinality(String),
    target      String,
    format      LowCardinality(String),
    rows        UInt64,
    detail      String,
    event_date  Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at DateTime64(3) DEFAULT now64(3),
    time        DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(ts))
)
ENGINE = {{engine MergeTree()}}
PARTITION BY toYYYYMM(event_date)
ORDER BY (action, time, event_id);
{{distributed soc_audit cityHash64(event_id)}};
