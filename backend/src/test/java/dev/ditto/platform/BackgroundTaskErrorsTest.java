package dev.ditto.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class BackgroundTaskErrorsTest {
    @Test
    void aDatabaseOutageIsSummarisedByItsRootCause() {
        var outage = new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("ditto - Connection is not available, request timed out after 3000ms",
                        "08001", new ConnectException("Connection refused")));

        assertThat(DatabaseFaults.isUnavailable(outage)).isTrue();
        assertThat(BackgroundTaskErrors.summary(outage)).isEqualTo("Connection refused");
    }

    @Test
    void otherFailuresAreNotTakenForAnOutage() {
        assertThat(DatabaseFaults.isUnavailable(new IllegalStateException("a bug"))).isFalse();
        assertThat(BackgroundTaskErrors.summary(new IllegalStateException("first line\nsecond"))).isEqualTo("first line");
    }
}
