package dev.ditto.sources;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards the two ways a video is uploaded, the REST upload ({@code POST /api/sources}) and the dashboard's upload
 * component ({@code POST /VAADIN/dynamic/resource/...}), before a byte of the body is read: a request that declares a
 * {@code Content-Length} over the upload limit ({@code ditto.sources.max-upload-mb}, plus {@value #MULTIPART_SLACK}
 * bytes of multipart framing on the dashboard path) is answered 413 at once, and a user with
 * {@code ditto.sources.max-concurrent-uploads} uploads running gets 429 for the next one. A chunked body, which
 * declares no length, is still cut off at the limit while it streams. Runs after Spring Security, so the user is
 * known (and an anonymous request was already turned away).
 */
@Component
public class UploadGate extends OncePerRequestFilter {
    static final long MULTIPART_SLACK = 1024 * 1024;
    private static final String DASHBOARD_UPLOADS = "/VAADIN/dynamic/resource/";

    private final SourceService sources;
    private final int maxConcurrent;
    private final Map<String, Integer> running = new ConcurrentHashMap<>();

    UploadGate(SourceService sources, @Value("${ditto.sources.max-concurrent-uploads:2}") int maxConcurrent) {
        this.sources = sources;
        this.maxConcurrent = maxConcurrent;
    }

    /** How many uploads one user may run at once; the dashboard's upload component is told to queue beyond it. */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod())) {
            return true;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !path.equals("/api/sources") && !path.startsWith(DASHBOARD_UPLOADS);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long max = sources.properties().maxUploadBytes();
        boolean dashboard = request.getRequestURI().substring(request.getContextPath().length()).startsWith(DASHBOARD_UPLOADS);
        long declared = request.getContentLengthLong();
        if (declared > max + (dashboard ? MULTIPART_SLACK : 0)) {
            refuse(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "Content Too Large",
                    "The upload declares " + declared + " bytes; the limit is " + sources.properties().maxUploadMb()
                            + " MB (ditto.sources.max-upload-mb). Nothing was stored.");
            return;
        }
        Principal principal = request.getUserPrincipal();
        String user = principal == null ? "anonymous@" + request.getRemoteAddr() : principal.getName();
        if (running.merge(user, 1, Integer::sum) > maxConcurrent) {
            release(user);
            response.setHeader("Retry-After", "10");
            refuse(response, 429, "Too Many Requests", "You have " + maxConcurrent + " uploads running "
                    + "(ditto.sources.max-concurrent-uploads); send the next one when one of them is done.");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            release(user);
        }
    }

    private void release(String user) {
        running.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }

    private static void refuse(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setHeader("Connection", "close"); // the body that follows is not read
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        response.flushBuffer();
    }
}
