package dev.ditto.users;

import dev.ditto.web.ApiProblems;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Personal API tokens over REST: {@code POST /api/tokens} makes one (the token is in this answer only),
 * {@code GET /api/tokens} lists the caller's, {@code DELETE /api/tokens/{id}} revokes one (the owner's or, for an
 * admin, anyone's), {@code GET /api/admin/tokens} lists everyone's (admins). {@code GET /api/session/csrf} gives the
 * dashboard's session its CSRF token for state changes made with the session cookie.
 */
@RestController
class ApiTokenController {
    private final ApiTokens tokens;

    ApiTokenController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    /**
     * Body of {@code POST /api/tokens}: a name; optionally the role (at most the owner's; the owner's when left
     * out), the owner (admins; the caller when left out) and an expiry, as {@code expiresInDays} or an ISO-8601
     * {@code expiresAt} (never when both are left out).
     */
    record NewToken(@Nullable String name, @Nullable String role, @Nullable String owner,
                    @Nullable Integer expiresInDays, @Nullable String expiresAt) {}

    /** The answer to {@code POST /api/tokens}: the token, shown this once, and what is stored about it. */
    record CreatedToken(String token, ApiTokenInfo info) {}

    @PostMapping(value = "/api/tokens", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    ResponseEntity<CreatedToken> create(@RequestBody NewToken request) {
        ApiTokens.Created created = tokens.create(request.owner(), request.name() == null ? "" : request.name(),
                role(request.role()), expiry(request.expiresInDays(), request.expiresAt()));
        return ResponseEntity.created(URI.create("/api/tokens/" + created.info().id()))
                .body(new CreatedToken(created.token(), created.info()));
    }

    @GetMapping("/api/tokens")
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    List<ApiTokenInfo> mine() {
        return tokens.mine();
    }

    @DeleteMapping("/api/tokens/{id}")
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    ApiTokenInfo revoke(@PathVariable long id) {
        return tokens.revoke(id);
    }

    @GetMapping("/api/admin/tokens")
    @PreAuthorize("hasRole('ADMIN')")
    List<ApiTokenInfo> all() {
        return tokens.all();
    }

    /** The CSRF token of the caller's dashboard session: send it as {@code X-CSRF-TOKEN} with state changes. */
    @GetMapping("/api/session/csrf")
    @PreAuthorize("isAuthenticated()")
    ResponseEntity<?> csrf(HttpServletRequest request, CsrfToken token) {
        if (request.getSession(false) == null) {
            return ApiProblems.problem(HttpStatus.BAD_REQUEST, "There is no dashboard session: requests with an API token or HTTP "
                    + "Basic need no CSRF token.");
        }
        return ResponseEntity.ok(Map.of("headerName", token.getHeaderName(), "parameterName", token.getParameterName(),
                "token", token.getToken()));
    }

    private static @Nullable Role role(@Nullable String role) {
        if (role == null || role.isBlank()) {
            return null;
        }
        try {
            return Role.valueOf(role.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + role + "' is not a role; use VIEWER, CURATOR or ADMIN.", e);
        }
    }

    private static @Nullable Instant expiry(@Nullable Integer days, @Nullable String at) {
        if (days != null && at != null) {
            throw new IllegalArgumentException("Give expiresInDays or expiresAt, not both.");
        }
        if (days != null) {
            if (days < 1 || days > 3650) {
                throw new IllegalArgumentException("expiresInDays is 1 to 3650 (leave it out for a token that does not expire).");
            }
            return Instant.now().plus(Duration.ofDays(days));
        }
        if (at == null) {
            return null;
        }
        try {
            return Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expiresAt '" + at + "' is not an ISO-8601 instant such as 2027-01-31T00:00:00Z.", e);
        }
    }

    @ExceptionHandler(ApiTokens.NoSuchTokenException.class)
    ResponseEntity<ProblemDetail> noSuchToken(ApiTokens.NoSuchTokenException e) {
        return ApiProblems.problem(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException e) {
        return ApiProblems.problem(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ProblemDetail> forbidden(AccessDeniedException e) {
        return ApiProblems.problem(HttpStatus.FORBIDDEN, e.getMessage());
    }
}
