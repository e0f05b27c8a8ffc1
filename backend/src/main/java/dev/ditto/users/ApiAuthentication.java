package dev.ditto.users;

import dev.ditto.platform.DatabaseUnavailableAnswers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * How API clients sign in and what they are told when they may not. The API never answers with an HTTP Basic
 * challenge ({@code WWW-Authenticate: Basic}), so a browser never prompts for, and never caches, Basic credentials it
 * would later send along with a forged cross-site request; scripts still send Basic on their own ({@code curl -u}).
 * The dashboard's session cookie is honoured on {@code /api/**}, but a state change (POST, PUT, PATCH, DELETE) made
 * with it needs the session's CSRF token; requests that carry their own {@code Authorization} header (an API token,
 * or Basic from a script) cannot be forged by another site and need none. Every refusal is an RFC 9457 problem detail.
 */
public final class ApiAuthentication {
    static final URI UNAUTHORIZED_TYPE = URI.create("https://ditto.dev/problems/not-signed-in");
    static final URI FORBIDDEN_TYPE = URI.create("https://ditto.dev/problems/forbidden");
    static final URI CSRF_TYPE = URI.create("https://ditto.dev/problems/csrf-token-missing");
    static final URI CROSS_SITE_TYPE = URI.create("https://ditto.dev/problems/cross-site-request");
    static final String HOW_TO_SIGN_IN = "Send 'Authorization: Bearer <API token>' (make one in the dashboard under "
            + "API tokens, or with POST /api/tokens) or HTTP Basic with a username and password.";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private ApiAuthentication() {}

    /**
     * The entry point of every API chain: a locked-out sign-in is a 429, a password that could not be checked (the
     * database is down) a 503, anything else a 401 problem with {@code WWW-Authenticate: Bearer} (never Basic).
     */
    public static AuthenticationEntryPoint entryPoint(DatabaseUnavailableAnswers outage, ObjectMapper json) {
        return LoginThrottleConfiguration.tooManyOr(outage.entryPoint((request, response, e) -> {
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            boolean basic = header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"Ditto\"");
            writeProblem(request, response, json, HttpStatus.UNAUTHORIZED, UNAUTHORIZED_TYPE, "Not signed in",
                    basic ? "The username or password is not correct." : HOW_TO_SIGN_IN);
        }), json);
    }

    /** 403 as a problem detail: a missing CSRF token says how to send one, a role that may not says so. */
    public static AccessDeniedHandler accessDenied(ObjectMapper json) {
        return (request, response, e) -> {
            if (e instanceof CsrfException) {
                writeProblem(request, response, json, HttpStatus.FORBIDDEN, CSRF_TYPE, "CSRF token missing",
                        "This request came with the dashboard's session cookie but without its CSRF token. Send the "
                                + "token in the 'X-CSRF-TOKEN' header (GET /api/session/csrf gives it), or sign in "
                                + "with an API token ('Authorization: Bearer <token>'), which needs none.");
                return;
            }
            writeProblem(request, response, json, HttpStatus.FORBIDDEN, FORBIDDEN_TYPE, "Forbidden",
                    "Your role may not " + request.getMethod() + " " + request.getRequestURI() + ".");
        };
    }

    /** Whether the method changes state (anything but GET, HEAD, OPTIONS and TRACE). */
    static boolean unsafe(HttpServletRequest request) {
        return !SAFE_METHODS.contains(request.getMethod());
    }

    /**
     * When the CSRF token is checked: a state change that relies on the dashboard's session, that is, one with a
     * session and no {@code Authorization} header of its own.
     */
    static final RequestMatcher CSRF_REQUIRED = request -> unsafe(request)
            && request.getHeader(HttpHeaders.AUTHORIZATION) == null && request.getSession(false) != null;

    /**
     * Refuses a state change that a browser says comes from another site ({@code Sec-Fetch-Site: cross-site} or
     * {@code same-site}) before anything else looks at it: whatever credentials the browser attached (a session
     * cookie, Basic credentials it cached for this server before), such a request was not the user's. Scripts send
     * no {@code Sec-Fetch-Site}; the dashboard's own requests are {@code same-origin}.
     */
    static OncePerRequestFilter crossSiteGuard(ObjectMapper json) {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String site = request.getHeader("Sec-Fetch-Site");
                if (unsafe(request) && ("cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site))) {
                    writeProblem(request, response, json, HttpStatus.FORBIDDEN, CROSS_SITE_TYPE, "Cross-site request",
                            "A page of another site may not change anything here (Sec-Fetch-Site: " + site + "). Call "
                                    + "the API from a script with an API token, or use the dashboard.");
                    return;
                }
                chain.doFilter(request, response);
            }
        };
    }

    /**
     * Reads the dashboard's security context from an existing session and never writes one: an API request neither
     * creates a session nor changes the one it came with (HTTP Basic and API tokens live for one request).
     */
    static HttpSessionSecurityContextRepository sessionReader() {
        HttpSessionSecurityContextRepository reader = new HttpSessionSecurityContextRepository() {
            @Override
            public void saveContext(SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
                // read-only
            }
        };
        reader.setAllowSessionCreation(false);
        return reader;
    }

    /** Writes an RFC 9457 problem detail as the whole answer. */
    static void writeProblem(HttpServletRequest request, HttpServletResponse response, ObjectMapper json, HttpStatus status,
                             URI type, String title, String detail) throws IOException {
        writeProblem(request, response, json, status, type, title, detail, Map.of());
    }

    static void writeProblem(HttpServletRequest request, HttpServletResponse response, ObjectMapper json, HttpStatus status,
                             URI type, String title, String detail, Map<String, Object> properties) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        properties.forEach(problem::setProperty);
        response.resetBuffer();
        response.setStatus(status.value());
        response.setCharacterEncoding("UTF-8");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write(json.writeValueAsString(problem));
    }
}
