-- The SOC's triage on a current ClickHouse (meanings: migrations/007). Append-only.
CREATE TABLE IF NOT EXISTS alert_triage{{local}}{{on_cluster}}
(
    event_id    String,
    alert_id    String,
    ts          UInt64,
    actor       String,
    role        LowCardinality(String),
    action      LowCardinality(String),
    status      LowCardinality(String),
    assignee    String,
    verdict     LowCardinality(String),
    comment     String,
    event_date  Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at DateTime64(3) DEFAULT now64(3),
    time        DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(ts))
)
ENGINE = {{engine MergeTree()}}
PARTITION BY toYYYYMM(event_date)
ORDER BY (alert_id, ts, event_id);
{{distributed alert_triage cityHash64(alert_id)}};
