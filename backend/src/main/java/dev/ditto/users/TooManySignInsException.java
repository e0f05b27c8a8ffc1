package dev.ditto.users;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/**
 * A sign-in refused without checking the password: the account or the client address is locked out after too many
 * failed sign-ins ({@link LoginThrottle}). The message is the one the user sees, on the API and the dashboard.
 */
public class TooManySignInsException extends AuthenticationException {
    private final long retryAfterSeconds;

    public TooManySignInsException(Duration retryAfter) {
        this(LoginThrottle.secondsUp(retryAfter));
    }

    private TooManySignInsException(long retryAfterSeconds) {
        super("too many failed sign-ins; try again in " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
