package dev.ditto.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseFaultsTest {

    @Test
    void anUnreachableOrRestartingDatabaseIsUnavailableWhereverTheCauseIsWrapped() {
        assertThat(DatabaseFaults.isUnavailable(new CannotGetJdbcConnectionException("pool",
                new SQLTransientConnectionException("ditto - Connection is not available, request timed out after 3000ms")))).isTrue();
        assertThat(DatabaseFaults.isUnavailable(new CannotCreateTransactionException("no connection"))).isTrue();
        assertThat(DatabaseFaults.isUnavailable(new IllegalStateException("wrapped",
                new UncategorizedSQLException("task", "select 1", new SQLException("terminating connection", "57P01"))))).isTrue();
        assertThat(DatabaseFaults.isUnavailable(new RuntimeException(new SQLException("connection refused", "08001")))).isTrue();
        assertThat(DatabaseFaults.isUnavailable(new SQLException("could not serialize access", "40001"))).isTrue();
    }

    @Test
    void aRollbackThatFailedBecauseTheConnectionBrokeIsJudgedByWhatMadeItRollBack() {
        // what TransactionTemplate throws when the connection broke mid-transaction: the pool's closed connection
        // has no SQLSTATE, the statement's I/O error that caused the rollback has 08006
        var broken = new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        broken.initApplicationException(new DataAccessResourceFailureException("insert",
                new SQLException("An I/O error occurred while sending to the backend.", "08006")));
        assertThat(DatabaseFaults.isUnavailable(broken)).isTrue();

        var statementError = new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        statementError.initApplicationException(new DuplicateKeyException("unique"));
        assertThat(DatabaseFaults.isUnavailable(statementError)).isFalse();
    }

    @Test
    void aStatementsOwnErrorIsNot() {
        assertThat(DatabaseFaults.isUnavailable(new DuplicateKeyException("unique"))).isFalse();
        assertThat(DatabaseFaults.isUnavailable(new DataIntegrityViolationException("check",
                new SQLException("violates check constraint", "23514")))).isFalse();
        assertThat(DatabaseFaults.isUnavailable(new IllegalArgumentException("no such source"))).isFalse();
        assertThat(DatabaseFaults.isUnavailable(null)).isFalse();
    }
}
