package dev.ditto.platform;

import dev.ditto.protocol.ProtocolError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * While PostgreSQL is unavailable every API request is answered for what it is: 503 with the reason and
 * {@code Retry-After}, as RFC 9457 problem details ({@code /api/**}) or the runner protocol's {@link ProtocolError}
 * ({@code /api/runner/**}); never a 401 to a user who gave the right password (the password could not be checked)
 * and never a 500. How soon the answer comes is bounded by {@code ditto.db.connection-timeout} (3 s): the wait for
 * a connection.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseUnavailableAnswers {
    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailableAnswers.class);
    static final URI TYPE = URI.create("https://ditto.dev/problems/database-unavailable");
    static final String REASON = "The database (PostgreSQL) is unavailable; the request was not carried out. Try again shortly.";

    private final ObjectMapper json;
    private final int retryAfterSeconds;

    DatabaseUnavailableAnswers(ObjectMapper json, @Value("${ditto.db.retry-after-seconds:5}") int retryAfterSeconds) {
        this.json = json;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Catches what escapes a request, below Spring Security, so an outage met anywhere in an API call is a 503. */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> databaseUnavailableFilter() {
        var registration = new FilterRegistrationBean<OncePerRequestFilter>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                try {
                    chain.doFilter(request, response);
                } catch (ServletException | RuntimeException e) {
                    if (!DatabaseFaults.isUnavailable(e) || response.isCommitted()) {
                        throw e;
                    }
                    answer(request, response, e);
                }
            }
        });
        registration.addUrlPatterns("/api/*", "/actuator/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10); // outside Spring Security's chain (-100)
        registration.setName("databaseUnavailable");
        return registration;
    }

    /**
     * An entry point for a failed authentication: one whose cause is the database is a 503; any other goes to
     * {@code otherwise} (the usual 401).
     */
    public AuthenticationEntryPoint entryPoint(AuthenticationEntryPoint otherwise) {
        return (HttpServletRequest request, HttpServletResponse response, AuthenticationException e) -> {
            if (DatabaseFaults.isUnavailable(e)) {
                answer(request, response, e);
            } else {
                otherwise.commence(request, response, e);
            }
        };
    }

    /** Writes the 503 answer: problem details, or a {@link ProtocolError} to a runner. */
    public void answer(HttpServletRequest request, HttpServletResponse response, Throwable cause) throws IOException {
        log.warn("{} {}: answered 503, the database is unavailable ({})", request.getMethod(), request.getRequestURI(),
                cause.getMessage());
        response.resetBuffer();
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
        response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds));
        response.setCharacterEncoding("UTF-8");
        if (request.getRequestURI().startsWith(request.getContextPath() + "/api/runner/")) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getWriter().write(json.writeValueAsString(protocolError()));
            return;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, REASON);
        problem.setType(TYPE);
        problem.setTitle("Database unavailable");
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("retryAfterSeconds", retryAfterSeconds);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write(json.writeValueAsString(problem));
    }

    /** The runner protocol's answer while the database is unavailable. */
    public ProtocolError protocolError() {
        return new ProtocolError(503, "database_unavailable", REASON + " Retry after " + retryAfterSeconds + " s.");
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
