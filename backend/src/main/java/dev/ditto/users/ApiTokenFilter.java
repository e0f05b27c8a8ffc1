package dev.ditto.users;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Authenticates {@code Authorization: Bearer <personal API token>} as the token's owner with the token's role. A
 * refused token (unknown, revoked, expired, owner disabled) is a 401 problem detail and counts as a failed sign-in
 * of the client address ({@link LoginThrottle}); while the address is locked out every token is refused with 429
 * before it is looked up. {@code onlyOwnPrefix}: claim only bearer values that start with {@code dtu_} (on paths
 * where other bearer tokens, such as the Prometheus scrape token, are meant too).
 */
final class ApiTokenFilter extends OncePerRequestFilter {
    private final ApiTokens tokens;
    private final LoginThrottle throttle;
    private final ObjectMapper json;
    private final SecurityContextHolderStrategy contexts;
    private final boolean onlyOwnPrefix;

    ApiTokenFilter(ApiTokens tokens, LoginThrottle throttle, ObjectMapper json, SecurityContextHolderStrategy contexts,
                   boolean onlyOwnPrefix) {
        this.tokens = tokens;
        this.throttle = throttle;
        this.json = json;
        this.contexts = contexts;
        this.onlyOwnPrefix = onlyOwnPrefix;
    }

    /** The bearer value of the request, if it sends one. */
    static Optional<String> bearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).strip());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> presented = bearer(request);
        if (presented.isEmpty() || onlyOwnPrefix && !presented.get().startsWith(ApiTokens.PREFIX)) {
            chain.doFilter(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        Optional<Duration> locked = throttle.addressRefusal(address);
        if (locked.isPresent()) {
            LoginThrottleConfiguration.writeTooMany(request, response, json, new TooManySignInsException(locked.get()));
            return;
        }
        ApiTokens.Check check = tokens.check(presented.get());
        if (check instanceof ApiTokens.Check.Refused(String reason)) {
            throttle.failedFromAddress(address);
            response.setHeader("WWW-Authenticate", "Bearer realm=\"Ditto\", error=\"invalid_token\"");
            ApiAuthentication.writeProblem(request, response, json, HttpStatus.UNAUTHORIZED, ApiAuthentication.UNAUTHORIZED_TYPE,
                    "Not signed in", reason);
            return;
        }
        ApiTokens.Check.Valid valid = (ApiTokens.Check.Valid) check;
        throttle.succeededFromAddress(address);
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new ApiTokenAuthentication(valid.username(), valid.tokenId(), valid.role()));
        contexts.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            contexts.clearContext();
        }
    }
}
