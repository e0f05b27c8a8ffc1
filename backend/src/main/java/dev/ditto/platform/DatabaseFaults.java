package dev.ditto.platform;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a database that is unavailable for now (down, unreachable, restarting, out of connections, a deadlock or a
 * serialization failure) from an error of the statement itself: the first is worth trying again, and answered as
 * 503 to a caller; the second is not.
 */
public final class DatabaseFaults {
    private DatabaseFaults() {}

    /**
     * Whether {@code e}, or any of its causes, says the database could not be reached or answered for now. A rollback
     * that failed after the connection broke ({@link TransactionSystemException}, whose own cause is the pool's
     * "Connection is closed" with no SQLSTATE) is judged by the error that made the transaction roll back.
     */
    public static boolean isUnavailable(@Nullable Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
                    && rollback.getApplicationException() != t && isUnavailable(rollback.getApplicationException())) {
                return true;
            }
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                    || t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && unavailableState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE classes of an unavailable server: 08 connection exception, 53 insufficient resources, 57P operator
     * intervention (shutdown, crash, cannot connect now), 40001/40P01 serialization failure and deadlock.
     */
    static boolean unavailableState(@Nullable String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || state.equals("40001") || state.equals("40P01"));
    }
}
