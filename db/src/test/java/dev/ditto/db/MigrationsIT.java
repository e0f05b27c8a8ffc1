package dev.ditto.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.db.testing.SharedInfrastructure;
import dev.ditto.db.testing.SharedInfrastructure.IsolatedSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MigrationsIT {
    private IsolatedSchema schema;

    @BeforeEach
    void freshSchema() {
        schema = SharedInfrastructure.newEmptySchema();
    }

    @Test
    void migrationsCreateTheWholeFirstDataModel() throws SQLException {
        int ran = Migrations.migrate(schema.dataSource(), schema.name());

        assertThat(ran).isPositive();
        assertThat(tables()).contains("sources", "source_assets", "instructions", "jobs", "samples", "reviews",
                "releases", "release_samples", "publications", "users", "runners", "outbox", "audit_log");
    }

    @Test
    void migratingTwiceIsANoOp() {
        Migrations.migrate(schema.dataSource(), schema.name());
        assertThat(Migrations.migrate(schema.dataSource(), schema.name())).isZero();
    }

    @Test
    void aSampleIsUniquePerSourceAndInstruction() throws SQLException {
        Migrations.migrate(schema.dataSource(), schema.name());
        try (Connection c = schema.connect(); var st = c.createStatement()) {
            st.execute("insert into sources (origin, original_name, blob_key, size_bytes, sha256) values ('API','a.mp4','k',1,'s1')");
            st.execute("insert into source_assets (source_id, kind, clip_index, blob_key, size_bytes, content_type) values (1,'CLIP',0,'c',1,'video/mp4')");
            st.execute("insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version)"
                    + " values (1,1,'GLOBAL_STYLE','Make it snow','{}','builtin-grammar','taxonomy-v1','1')");
            st.execute("insert into samples (source_id, clip_id, instruction_id, category) values (1,1,1,'GLOBAL_STYLE')");

            assertThatThrownBy(() -> st.execute(
                    "insert into samples (source_id, clip_id, instruction_id, category) values (1,1,1,'GLOBAL_STYLE')"))
                    .hasMessageContaining("samples_source_instruction_uq");
        }
    }

    @Test
    void aJobCannotBeRunningWithoutALease() throws SQLException {
        Migrations.migrate(schema.dataSource(), schema.name());
        try (Connection c = schema.connect(); var st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("insert into jobs (type, payload, status) values ('PROBE', '{}', 'RUNNING')"))
                    .hasMessageContaining("check");
            assertThatThrownBy(() -> st.execute("insert into jobs (type, payload, status) values ('PROBE', '{}', 'LOST')"))
                    .hasMessageContaining("check");
        }
    }

    @Test
    void theClaimQueryUsesThePartialIndex() throws SQLException {
        Migrations.migrate(schema.dataSource(), schema.name());
        try (Connection c = schema.connect(); var st = c.createStatement()) {
            st.execute("insert into jobs (type, payload, status) select 'PROBE', '{}', 'SUCCEEDED' from generate_series(1, 20000)");
            st.execute("insert into jobs (type, payload) values ('PROBE', '{}')");
            st.execute("analyze jobs");
            var rs = st.executeQuery("explain select id from jobs where status = 'QUEUED' and type = any(array['PROBE'])"
                    + " order by priority desc, id limit 1 for update skip locked");
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
            assertThat(plan.toString()).contains("jobs_claim_idx");
        }
    }

    private List<String> tables() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = schema.connect(); var rs = c.getMetaData().getTables(null, schema.name(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }
}
