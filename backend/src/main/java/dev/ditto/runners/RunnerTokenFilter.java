package dev.ditto.runners;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/** Authenticates {@code Authorization: Bearer dtr_…} as the runner it belongs to; unknown or revoked tokens get 401. */
final class RunnerTokenFilter extends OncePerRequestFilter {
    private final RunnerTokens tokens;
    private final ObjectMapper json;
    private final SecurityContextHolderStrategy contexts;

    RunnerTokenFilter(RunnerTokens tokens, ObjectMapper json, SecurityContextHolderStrategy contexts) {
        this.tokens = tokens;
        this.json = json;
        this.contexts = contexts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response); // anonymous: the entry point explains what is missing
            return;
        }
        Optional<RunnerInfo> runner = tokens.authenticate(header.substring(7).strip());
        if (runner.isEmpty()) {
            ProtocolErrors.write(response, json, 401, "unknown_token",
                    "This runner token is not known to the server. Ask an admin for a token (POST /api/admin/runners) "
                            + "and start the runner with --token.");
            return;
        }
        RunnerInfo info = runner.get();
        if (info.revoked()) {
            ProtocolErrors.write(response, json, 401, "revoked_token",
                    "The token of runner '" + info.name() + "' was revoked at " + info.revokedAt()
                            + ". Ask an admin for a new token.");
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                new RunnerPrincipal(info.id(), info.name()), null, List.of(new SimpleGrantedAuthority("ROLE_RUNNER"))));
        contexts.setContext(context);
        tokens.seen(info.id());
        try {
            chain.doFilter(request, response);
        } finally {
            contexts.clearContext();
        }
    }
}
