package dev.ditto.users;

import dev.ditto.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Login throttling ({@code ditto.security.login.*}): the one {@link AuthenticationProvider} of the dashboard's form
 * login and the API's HTTP Basic goes through a {@link LoginThrottle}, whose counts are kept in PostgreSQL
 * ({@code login_throttle}, shared by every server on the database); each lockout is one audit entry
 * ({@code login.lockout}).
 */
@Configuration(proxyBeanMethods = false)
public class LoginThrottleConfiguration {
    private static final Logger log = LoggerFactory.getLogger(LoginThrottleConfiguration.class);
    static final URI TYPE = URI.create("https://ditto.dev/problems/too-many-sign-ins");

    @Bean
    LoginThrottle loginThrottle(Clock clock, AuditLog audit, JdbcClient jdbc, PlatformTransactionManager transactions,
                                @Value("${ditto.security.login.max-failures-per-account:5}") int perAccount,
                                @Value("${ditto.security.login.max-failures-per-address:50}") int perAddress,
                                @Value("${ditto.security.login.base-lockout:30s}") Duration base,
                                @Value("${ditto.security.login.max-lockout:15m}") Duration max) {
        return new LoginThrottle(new LoginThrottle.Settings(perAccount, perAddress, base, max), clock, lockout -> {
            log.warn("sign-ins for {} refused for {} s after {} failures in a row", lockout.key(),
                    lockout.retryAfterSeconds(), lockout.failures());
            try {
                Map<String, Object> after = new LinkedHashMap<>();
                after.put("failures", lockout.failures());
                after.put("lockouts", lockout.lockouts());
                after.put("until", lockout.until().toString());
                after.put("seconds", lockout.retryAfterSeconds());
                audit.record("login.lockout", "login", lockout.key(), null, after);
            } catch (RuntimeException e) { // the database being down must not turn a refusal into an error
                log.warn("the lockout of {} could not be audited: {}", lockout.key(), e.getMessage());
            }
        }, new ThrottleStore.Postgres(jdbc, new TransactionTemplate(transactions)));
    }

    @Bean
    AuthenticationProvider throttledAuthenticationProvider(UserService users, PasswordEncoder encoder, LoginThrottle throttle) {
        return new ThrottledAuthenticationProvider(users, encoder, throttle);
    }

    /**
     * HTTP Basic's entry point: a sign-in refused by the throttle is a 429 problem detail with {@code Retry-After};
     * every other failure goes to {@code next}.
     */
    public static AuthenticationEntryPoint tooManyOr(AuthenticationEntryPoint next, ObjectMapper json) {
        return (HttpServletRequest request, HttpServletResponse response, AuthenticationException e) -> {
            if (!(e instanceof TooManySignInsException tooMany)) {
                next.commence(request, response, e);
                return;
            }
            writeTooMany(request, response, json, tooMany);
        };
    }

    /** The answer to a sign-in refused by the throttle: 429, {@code Retry-After} and a problem detail. */
    static void writeTooMany(HttpServletRequest request, HttpServletResponse response, ObjectMapper json,
                             TooManySignInsException tooMany) throws java.io.IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(tooMany.retryAfterSeconds()));
        ApiAuthentication.writeProblem(request, response, json, HttpStatus.TOO_MANY_REQUESTS, TYPE,
                "Too many failed sign-ins", tooMany.getMessage(), Map.of("retryAfterSeconds", tooMany.retryAfterSeconds()));
    }
}
