package dev.ditto.curation;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import dev.ditto.web.ApiProblems;
import java.security.Principal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Curation over HTTP: {@code POST /api/curation/tags} adds and removes curator tags on many samples at once
 * ({@code {"sampleIds": [12, 13], "add": ["night"], "remove": ["draft"]}}, curators and admins), answering what
 * changed (see {@link TagResult}); an invalid tag answers 400 with the reason.
 */
@RestController
class CurationController {
    private final CuratorTags tags;

    CurationController(CuratorTags tags) {
        this.tags = tags;
    }

    @PostMapping("/api/curation/tags")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    TagResult tag(@RequestBody TagRequest request, Principal principal) {
        return tags.tagAll(principal.getName(), request.sampleIds(), request.add(), request.remove());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> invalid(IllegalArgumentException e) {
        return ApiProblems.problemWithError(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** Body of a bulk tagging: the samples, the tags to add and the tags to remove (either may be left out). */
    record TagRequest(List<Long> sampleIds, @Nullable List<String> add, @Nullable List<String> remove) {
        TagRequest {
            // kept as read (a null entry is refused with the tag rules' message, not a server error)
            sampleIds = sampleIds == null ? List.of() : sampleIds.stream().filter(id -> id != null).toList();
            add = add == null ? List.of() : add;
            remove = remove == null ? List.of() : remove;
        }
    }
}
