package dev.ditto.sources;

import dev.ditto.blobs.BlobStore;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
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
 * ({@code POST /recaption}).
 */
@RestController
@RequestMapping("/api/sources")
class SourceController {
    private final SourceService sources;

    SourceController(SourceService sources) {
        this.sources = sources;
    }

    /** {@code POST /api/sources?name=clip.mp4} with the video as the request body. */
    @PostMapping
    @PreAuthorize("hasAnyRole('CURATOR','ADMIN')")
    ResponseEntity<IngestResult> upload(@RequestParam String name, HttpServletRequest request) throws IOException {
        IngestResult result = sources.ingest(request.getInputStream(), name, SourceService.Origin.API, null);
        return ResponseEntity.status(result.duplicate() ? HttpStatus.OK : HttpStatus.CREATED).body(result);
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    List<Source> list(@RequestParam(required = false) @Nullable String status, @RequestParam(required = false) @Nullable String q,
                      @RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") int offset) {
        if (q != null && !q.isBlank()) {
            return sources.search(q, Math.min(limit, 1000)).stream()
                    .filter(s -> status == null || s.status().equals(status)).toList();
        }
        return sources.list(status, Math.min(limit, 1000), offset);
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

    record CaptionEdit(@Nullable String caption) {}

    record Recaption(@Nullable List<Long> sourceIds) {}

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> invalid(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
    }

    @ExceptionHandler(IngestException.class)
    ResponseEntity<Map<String, String>> refused(IngestException e) {
        HttpStatus status = e.getCause() instanceof BlobStore.BlobTooLargeException
                ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.UNPROCESSABLE_CONTENT;
        return ResponseEntity.status(status).body(Map.of("file", e.fileName(), "error", e.getMessage()));
    }
}
