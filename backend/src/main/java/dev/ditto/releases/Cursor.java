package dev.ditto.releases;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Streams a query through a PostgreSQL cursor (auto-commit off + fetch size), so a million rows never sit in
 * memory at once; the transaction's {@code work_mem} lets PostgreSQL hash and sort the selection in memory.
 */
final class Cursor {
    private Cursor() {}

    /** Consumes each row of a query. */
    @FunctionalInterface
    interface RowHandler {
        void row(ResultSet rs) throws Exception;
    }

    static void stream(DataSource dataSource, ReleaseProperties properties, String sql, Object[] params, RowHandler handler)
            throws Exception {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            if (properties.sortMemoryMb() > 0) {
                try (var set = c.createStatement()) {
                    // for this transaction only: the connection goes back to the pool with the server's setting
                    set.execute("set local work_mem = '" + properties.sortMemoryMb() + "MB'");
                }
            }
            try (PreparedStatement st = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                st.setFetchSize(properties.fetchSize());
                for (int i = 0; i < params.length; i++) {
                    st.setObject(i + 1, params[i]);
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        handler.row(rs);
                    }
                }
                c.commit();
            } catch (Exception e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
