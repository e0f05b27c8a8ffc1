package dev.ditto.curation;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who a curation call acts as: an enabled user, and the signed-in caller themselves (nobody acts for another). */
final class ActingUser {
    private ActingUser() {}

    /** The id of {@code username}, who must be the signed-in caller (when there is one) and enabled. */
    static long id(JdbcClient jdbc, String username, String acting) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.isAuthenticated() && !auth.getName().equalsIgnoreCase(username)) {
            throw new AccessDeniedException(auth.getName() + " may not " + acting + " as " + username + ".");
        }
        return jdbc.sql("select id from users where lower(username) = lower(:u) and enabled").param("u", username)
                .query(Long.class).optional()
                .orElseThrow(() -> new AccessDeniedException("No enabled user named '" + username + "'."));
    }
}
