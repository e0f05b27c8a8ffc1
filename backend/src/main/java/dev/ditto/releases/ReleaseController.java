package dev.ditto.releases;

import dev.ditto.web.BadParameterException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** REST API for releases and publications: reads for any signed-in user, writes for admins. */
@RestController
class ReleaseController {
    private final ReleaseService releases;
    private final PublicationService publications;
    private final ReleaseComparison comparison;

    ReleaseController(ReleaseService releases, PublicationService publications, ReleaseComparison comparison) {
        this.releases = releases;
        this.publications = publications;
        this.comparison = comparison;
    }

    /** A release with its dataset card. */
    record ReleaseDetail(Release release, @Nullable String card, List<Publication> publications) {}

    /** Which target to publish to, and where. */
    record PublishRequest(String target, String destination) {}

    /** New release notes. */
    record NotesRequest(@Nullable String notes) {}

    @PostMapping("/api/releases")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Release> build(@RequestBody NewRelease request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(releases.build(request));
    }

    @GetMapping("/api/releases")
    @PreAuthorize("isAuthenticated()")
    List<Release> list(@RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        return releases.list(BadParameterException.nonNegative("limit", limit), BadParameterException.nonNegative("offset", offset));
    }

    @GetMapping("/api/releases/{id}")
    @PreAuthorize("isAuthenticated()")
    ReleaseDetail get(@PathVariable long id) {
        Release release = releases.get(id);
        return new ReleaseDetail(release, releases.card(release).orElse(null), publications.ofRelease(id));
    }

    /** The release compared with any other one: totals, and a page of the samples that differ. */
    @GetMapping("/api/releases/{id}/diff")
    @PreAuthorize("isAuthenticated()")
    ReleaseComparison.Page diff(@PathVariable long id, @RequestParam long against,
                                @RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") int offset) {
        return comparison.page(id, against, BadParameterException.nonNegative("offset", offset),
                BadParameterException.nonNegative("limit", limit));
    }

    /** The same comparison, every differing sample, as CSV ({@code sample_id,change,fields}). */
    @GetMapping(value = "/api/releases/{id}/diff.csv", produces = "text/csv")
    @PreAuthorize("isAuthenticated()")
    ResponseEntity<org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody> diffCsv(
            @PathVariable long id, @RequestParam long against) {
        ReleaseComparison.Pair pair = comparison.pair(id, against);
        String file = (pair.release().name() + "-" + pair.release().version() + "-vs-" + pair.against().version() + ".csv").replaceAll("[^A-Za-z0-9._-]", "_");
        return ResponseEntity.ok().contentType(new org.springframework.http.MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
                .body(out -> {
                    java.io.Writer writer = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
                    comparison.csv(id, against, writer);
                });
    }

    @PatchMapping("/api/releases/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    Release editNotes(@PathVariable long id, @RequestBody NotesRequest request) {
        return releases.editNotes(id, request.notes());
    }

    @PostMapping("/api/releases/{id}/publish")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Publication> publish(@PathVariable long id, @RequestBody PublishRequest request) {
        ReleasePublisher.Target target;
        try {
            target = ReleasePublisher.Target.valueOf(String.valueOf(request.target()).strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ReleaseException(ReleaseException.Reason.INVALID,
                    "target '" + request.target() + "' is unknown; use 'hub' or 'folder'");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(publications.publish(id, target, request.destination()));
    }

    @GetMapping("/api/publications/{id}")
    @PreAuthorize("isAuthenticated()")
    Publication publication(@PathVariable long id) {
        return publications.get(id);
    }

    @PostMapping("/api/publications/{id}/resume")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Publication> resume(@PathVariable long id) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(publications.resume(id));
    }

    @ExceptionHandler(ReleaseException.class)
    ResponseEntity<ProblemDetail> refused(ReleaseException e) {
        HttpStatus status = switch (e.reason()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case INVALID -> HttpStatus.UNPROCESSABLE_CONTENT;
            case FAILED -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, String.valueOf(e.getMessage()));
        problem.setProperties(Map.of("reason", e.reason().name()));
        return ResponseEntity.status(status).body(problem);
    }
}
