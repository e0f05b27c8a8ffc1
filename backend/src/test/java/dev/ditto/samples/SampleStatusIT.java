package dev.ditto.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.db.testing.SharedInfrastructure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Java enum and the schema's check on {@code samples.status} allow the same statuses: neither may drift. */
class SampleStatusIT {
    @Test
    void theEnumHasExactlyTheStatusesTheSchemaAllows() throws Exception {
        var schema = SharedInfrastructure.newMigratedSchema();
        Set<String> allowed = new TreeSet<>();
        try (Connection c = schema.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select pg_get_constraintdef(k.oid) from pg_constraint k
                      join pg_class t on t.oid = k.conrelid join pg_namespace n on n.oid = t.relnamespace
                     where n.nspname = '%s' and t.relname = 'samples' and k.contype = 'c'
                       and pg_get_constraintdef(k.oid) like '%%status%%'""".formatted(schema.name()))) {
            while (rs.next()) {
                Matcher quoted = Pattern.compile("'([A-Z_]+)'").matcher(rs.getString(1));
                while (quoted.find()) {
                    allowed.add(quoted.group(1));
                }
            }
        }
        assertThat(allowed).as("the samples.status check of the migrated schema").isNotEmpty();
        assertThat(new TreeSet<>(Arrays.stream(SampleStatus.values()).map(Enum::name).toList())).isEqualTo(allowed);
    }
}
