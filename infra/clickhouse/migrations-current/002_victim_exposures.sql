-- Victim exposures on a current ClickHouse (meanings: migrations/002). Victims' numbers are
-- personal data: rows expire CLICKHOUSE_VICTIM_RETENTION_DAYS after the call (migrate.sh fills the
-- TTL in, and moves an existing table's TTL when the setting changes; 0 keeps them).
-- Sort key for the analysts (origin, then time); a call's rows share entity, alert and ts, so
-- replays still collapse. victim_number and alert_id lookups use bloom filters.
CREATE TABLE IF NOT EXISTS victim_exposures{{local}}{{on_cluster}}
(
    victim_number String,
    entity_type   LowCardinality(String),
    entity        String,
    alert_id      String,
    call_id       String,
    ts            UInt64,
    duration_ms   UInt32,
    event_date    Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at   DateTime64(3) DEFAULT now64(3),
    time          DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(ts)),
    INDEX victim_number_bloom victim_number TYPE bloom_filter GRANULARITY 4,
    INDEX alert_id_bloom alert_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = {{engine ReplacingMergeTree(inserted_at)}}
PARTITION BY toYYYYMM(event_date)
ORDER BY (entity_type, entity, time, alert_id, call_id, victim_number)
{{victim_ttl}};
{{distributed victim_exposures cityHash64(alert_id)}};
