package dev.ditto.outbox;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Records that an indexed row changed, inside the caller's transaction; the search indexer drains these
 * events into Elasticsearch, so PostgreSQL stays the truth and the index catches up after any outage.
 */
@Component
public class Outbox {
    /** What kind of row changed. */
    public enum Aggregate { SAMPLE, SOURCE, INSTRUCTION }

    private final JdbcClient jdbc;

    Outbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The row was created or changed: (re)index it. */
    public void changed(Aggregate aggregate, long id) {
        jdbc.sql("insert into outbox (aggregate, aggregate_id, event) values (:a, :id, 'UPSERT')")
                .param("a", aggregate.name()).param("id", id).update();
    }

    /** The row was deleted: drop it from the index. */
    public void deleted(Aggregate aggregate, long id) {
        jdbc.sql("insert into outbox (aggregate, aggregate_id, event) values (:a, :id, 'DELETE')")
                .param("a", aggregate.name()).param("id", id).update();
    }
}
