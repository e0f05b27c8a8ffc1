package dev.ditto.sources;

import dev.ditto.web.BadParameterException;
import dev.ditto.blobs.BlobStore;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/sources}: ingest a video (raw body, streamed), list sources, search them ({@code ?q=words}), edit a
 * source's caption ({@code PUT /{id}/caption}, audited) and queue sources to be captioned again
 * ({@code POST /recaption}); page through sources with filters ({@code GET /page}); admins release or archive a
 * QUARANTINED source ({@code POST /{id}/release}, {@code /{id}/archive}, audited) and re-evaluate the probe filters
 * ({@code POST /filters/reevaluate?apply=false} previews, {@code apply=true} applies). Bad requests are answered as
 * RFC 9457 problem details (docs/source-filters.md).
 */
@RestController
@RequestMapping("/api/sources")
class SourceController {
    private static final List<MediaType> FORM_TYPES = List.of(MediaType.APPLICATION_FORM_URLENCODED,
            MediaType.MULTIPART_FORM_DATA, MediaType.TEXT_PLAIN);

    private final SourceService sources;
    private final SourceFilters filters;

    SourceController(SourceService sources, SourceFilters filters) {
        this.sources = sources;
        this.filters = filters;
    }

    /**
     * {@code POST /api/sources?name=clip.mp4} with the video as the request body, typed as what it is
     * ({@code application/octet-stream}, {@code video/mp4}...). The three types an HTML form can send without the
     * browser asking first (a form, a multipart form, {@code text/plain}) are refused with 415, so a page on another
     * site cannot upload in the name of a user who visits it.
     */
    @PostMapping
    @PreAuthorize("hasAnyRole('CURATOR','ADMIN')")
    ResponseEntity<IngestResult> upload(@RequestParam String name, HttpServletRequest request)
            throws IOException, HttpMediaTypeNotSupportedException {
        MediaType type = request.getContentType() == null ? null : MediaType.parseMediaType(request.getContentType());
        if (type != null && FORM_TYPES.stream().anyMatch(form -> form.includes(type))) {
            throw new HttpMediaTypeNotSupportedException(type, List.of(MediaType.APPLICATION_OCTET_STREAM,
                    MediaType.parseMediaType("video/*")), HttpMethod.POST);
        }
        IngestResult result = sources.ingest(request.getInputStream(), name, SourceService.Origin.API, null,
                request.getContentLengthLong());
        return ResponseEntity.status(result.duplicate() ? HttpStatus.OK : HttpStatus.CREATED).body(result);
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    List<Source> list(@RequestParam(required = false) @Nullable String status, @RequestParam(required = false) @Nullable String q,
                      @RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") int offset) {
        if (q != null && !q.isBlank()) {
            return sources.search(q, Math.min(BadParameterException.nonNegative("limit", limit), 1000)).stream()
                    .filter(s -> status == null || s.status().equals(status)).toList();
        }
        return sources.list(status, Math.min(BadParameterException.nonNegative("limit", limit), 1000),
                BadParameterException.nonNegative("offset", offset));
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    ResponseEntity<Source> get(@PathVariable long id) {
        return ResponseEntity.of(sources.find(id));
    }

    /** {@code PUT /api/sources/{id}/caption} with {@code {"caption": "..."}}: a person's caption, audited. */
    @PutMapping("/{id}/caption")
    @PreAuthorize("hasAnyRole('CURATOR','ADMIN')")
    Source editCaption(@PathVariable long id, @RequestBody CaptionEdit edit) {
        return sources.editCaption(id, edit.caption() == null ? "" : edit.caption());
    }

    /** {@code POST /api/sources/recaption} with {@code {"sourceIds": [1, 2]}}: caption them again with the captioner in force. */
    @PostMapping("/recaption")
    @PreAuthorize("hasAnyRole('CURATOR','ADMIN')")
    Map<String, Integer> recaption(@RequestBody Recaption request) {
        return Map.of("queued", sources.recaption(request.sourceIds() == null ? List.of() : request.sourceIds()));
    }

    /**
     * {@code GET /api/sources/page?status=QUARANTINED&tag=people&name=cup&q=words&range=motion:0.5:4&offset=0&limit=50}:
     * one page of the sources the filters select, newest first, with the total ({@code range} is
     * {@code key:min:max}, either end empty for open; repeat {@code status}, {@code tag} and {@code range}).
     */
    @GetMapping("/page")
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    SourceService.Page page(@RequestParam(required = false) @Nullable List<String> status,
                            @RequestParam(required = false) @Nullable List<String> tag,
                            @RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String q,
                            @RequestParam(required = false) @Nullable List<String> range,
                            @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "50") int limit) {
        if (offset < 0 || limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("offset must be ≥ 0 and limit between 1 and 1000.");
        }
        Map<String, SourceQuery.Range> ranges = new java.util.HashMap<>();
        for (String r : range == null ? List.<String>of() : range) {
            String[] parts = r.split(":", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException("A range is key:min:max (an end may be empty), not '" + r + "'.");
            }
            try {
                ranges.put(parts[0], new SourceQuery.Range(parts[1].isBlank() ? null : Double.valueOf(parts[1]),
                        parts[2].isBlank() ? null : Double.valueOf(parts[2])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("A range's ends are numbers: '" + r + "'.", e);
            }
        }
        java.util.Set<String> statuses = new java.util.HashSet<>(status == null ? List.of() : status);
        for (String st : statuses) {
            if (!STATUSES.contains(st)) {
                throw new IllegalArgumentException("Unknown status '" + st + "'; one of " + STATUSES + ".");
            }
        }
        SourceQuery query = new SourceQuery(statuses, new java.util.HashSet<>(tag == null ? List.of() : tag), name, q, ranges);
        return new SourceService.Page(sources.page(query, offset, limit), sources.count(query));
    }

    static final List<String> STATUSES = List.of("NEW", "PROBING", "READY", "QUARANTINED", "FAILED", "DUPLICATE", "ARCHIVED");

    /** {@code POST /api/sources/{id}/release}: a QUARANTINED source becomes READY (admins; audited). */
    @PostMapping("/{id}/release")
    @PreAuthorize("hasRole('ADMIN')")
    Source release(@PathVariable long id) {
        return sources.release(id);
    }

    /** {@code POST /api/sources/{id}/archive}: a QUARANTINED source is ARCHIVED (admins; audited). */
    @PostMapping("/{id}/archive")
    @PreAuthorize("hasRole('ADMIN')")
    Source archive(@PathVariable long id) {
        return sources.archive(id);
    }

    /**
     * {@code POST /api/sources/filters/reevaluate?apply=false}: which READY and QUARANTINED sources the thresholds in
     * force would move; {@code apply=true} moves them (admins; audited).
     */
    @PostMapping("/filters/reevaluate")
    @PreAuthorize("hasRole('ADMIN')")
    SourceService.Reevaluation reevaluate(@RequestParam(defaultValue = "false") boolean apply) {
        return sources.reevaluate(apply);
    }

    /** {@code GET /api/sources/filters}: the probe-filter thresholds in force (null = off). */
    @GetMapping("/filters")
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    SourceFilters.Thresholds filters() {
        return filters.thresholds();
    }

    record CaptionEdit(@Nullable String caption) {}

    record Recaption(@Nullable List<Long> sourceIds) {}

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail invalid(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage());
    }

    @ExceptionHandler(java.util.NoSuchElementException.class)
    ProblemDetail missing(java.util.NoSuchElementException e) {
        return problem(HttpStatus.NOT_FOUND, "No such source", e.getMessage());
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail conflict(IllegalStateException e) {
        return problem(HttpStatus.CONFLICT, "Not possible in this state", e.getMessage());
    }

    @ExceptionHandler(org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class)
    ProblemDetail mismatch(org.springframework.web.method.annotation.MethodArgumentTypeMismatchException e) {
        return problem(HttpStatus.BAD_REQUEST, "Bad request", "'" + e.getValue() + "' is not a valid " + e.getName() + ".");
    }

    /** An RFC 9457 problem; {@code error} repeats the detail for clients of the earlier {"error": …} answers. */
    private static ProblemDetail problem(HttpStatus status, String title, @Nullable String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, String.valueOf(detail));
        p.setTitle(title);
        p.setProperty("error", String.valueOf(detail));
        return p;
    }

    /**
     * A refused file: 413 over the limit, 422 not a video, both as {@code {"file", "error"}}; 507 when the blob store's
     * disk is full, as a problem detail that names the folder and its free space ({@code folder}, {@code freeBytes}).
     */
    @ExceptionHandler(IngestException.class)
    ResponseEntity<?> refused(IngestException e) {
        if (e.getCause() instanceof BlobStore.InsufficientStorageException full) {
            ProblemDetail p = problem(HttpStatus.INSUFFICIENT_STORAGE, "Insufficient Storage", e.getMessage());
            p.setType(java.net.URI.create("https://ditto.dev/problems/insufficient-storage"));
            p.setProperty("file", e.fileName());
            p.setProperty("folder", full.folder().toString());
            p.setProperty("freeBytes", full.freeBytes());
            return ResponseEntity.status(HttpStatus.INSUFFICIENT_STORAGE)
                    .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(p);
        }
        HttpStatus status = e.getCause() instanceof BlobStore.BlobTooLargeException
                ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.UNPROCESSABLE_CONTENT;
        return ResponseEntity.status(status).body(Map.of("file", e.fileName(), "error", e.getMessage()));
    }
}
