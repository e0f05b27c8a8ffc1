package dev.ditto.sources;

import dev.ditto.blobs.BlobStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Guards the two ways a video is uploaded, the REST upload ({@code POST /api/sources}) and the dashboard's upload
 * component ({@code POST /VAADIN/dynamic/resource/...}), before a byte of the body is read: a request that declares a
 * {@code Content-Length} over the upload limit ({@code ditto.sources.max-upload-mb}, plus {@value #MULTIPART_SLACK}
 * bytes of multipart framing on the dashboard path) is answered 413 at once, and a user with
 * {@code ditto.sources.max-concurrent-uploads} uploads running, or with uploads running whose bytes and this one's
 * would pass {@code ditto.sources.max-upload-bytes-in-flight-mb} (a body of undeclared length counts as the upload
 * limit), gets 429 for the next one; a user's first upload is judged by the size limit alone. A REST upload whose declared
 * length the blob store's disk has no room for is answered 507 Insufficient Storage (the folder and its free space).
 * A chunked body, which declares no length, is still cut off at the limit while it streams. Runs after Spring
 * Security, so the user is known (and an anonymous request was already turned away).
 */
@Component
public class UploadGate extends OncePerRequestFilter {
    static final long MULTIPART_SLACK = 1024 * 1024;
    private static final String DASHBOARD_UPLOADS = "/VAADIN/dynamic/resource/";

    private final SourceService sources;
    private final BlobStore blobs;
    private final ObjectMapper json;
    private final int maxConcurrent;
    private final long maxBytesInFlight;
    /** Per user: uploads running and the bytes they declared. */
    private final Map<String, InFlight> running = new ConcurrentHashMap<>();

    private record InFlight(int uploads, long bytes) {}

    UploadGate(SourceService sources, BlobStore blobs, ObjectMapper json,
               @Value("${ditto.sources.max-concurrent-uploads:2}") int maxConcurrent,
               @Value("${ditto.sources.max-upload-bytes-in-flight-mb:4096}") long maxMbInFlight) {
        this.sources = sources;
        this.blobs = blobs;
        this.json = json;
        this.maxConcurrent = maxConcurrent;
        this.maxBytesInFlight = maxMbInFlight * 1024 * 1024;
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
        if (!dashboard && declared > 0) { // the dashboard's panel says it itself, in its list (UploadPanel)
            try {
                blobs.requireSpace(declared);
            } catch (BlobStore.InsufficientStorageException full) {
                insufficientStorage(response, String.valueOf(request.getParameter("name")), full);
                return;
            }
        }
        Principal principal = request.getUserPrincipal();
        String user = principal == null ? "anonymous@" + request.getRemoteAddr() : principal.getName();
        long bytes = declared >= 0 ? declared : max;
        InFlight now = running.merge(user, new InFlight(1, bytes), (a, b) -> new InFlight(a.uploads() + 1, a.bytes() + b.bytes()));
        if (now.uploads() > 1 && now.bytes() > maxBytesInFlight) {
            release(user, bytes);
            response.setHeader("Retry-After", "10");
            refuse(response, 429, "Too Many Requests", "Your uploads running now and this one come to "
                    + now.bytes() / (1024 * 1024) + " MB, more than the " + maxBytesInFlight / (1024 * 1024)
                    + " MB one user may have in flight (ditto.sources.max-upload-bytes-in-flight-mb; "
                    + (now.uploads() - 1) + " running); send it when one of them is done.");
            return;
        }
        if (now.uploads() > maxConcurrent) {
            release(user, bytes);
            response.setHeader("Retry-After", "10");
            refuse(response, 429, "Too Many Requests", "You have " + maxConcurrent + " uploads running "
                    + "(ditto.sources.max-concurrent-uploads); send the next one when one of them is done.");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            release(user, bytes);
        }
    }

    private void release(String user, long bytes) {
        running.computeIfPresent(user, (u, n) -> n.uploads() <= 1 ? null : new InFlight(n.uploads() - 1, n.bytes() - bytes));
    }

    /**
     * 507 with the folder and its free space, as {@code SourceController} answers a disk that fills while writing; the
     * body is not read, so the connection is closed after the answer (a client that sends on would lose it to a reset).
     */
    private void insufficientStorage(HttpServletResponse response, String file, BlobStore.InsufficientStorageException full)
            throws IOException {
        String detail = file + ": not stored: " + full.getMessage() + ".";
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://ditto.dev/problems/insufficient-storage");
        problem.put("title", "Insufficient Storage");
        problem.put("status", 507);
        problem.put("detail", detail);
        problem.put("error", detail);
        problem.put("file", file);
        problem.put("folder", full.folder().toString());
        problem.put("freeBytes", full.freeBytes());
        response.setStatus(507);
        response.setHeader("Connection", "close");
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(json.writeValueAsString(problem));
        response.flushBuffer();
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
