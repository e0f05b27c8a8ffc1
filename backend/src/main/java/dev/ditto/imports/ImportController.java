package dev.ditto.imports;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import dev.ditto.web.ApiProblems;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/admin/imports}: import a server folder ({@code {"path": "/data/videos"}}) or a list of URLs
 * ({@code {"urls": ["https://…/a.mp4"]}}); answers the per-item report. A refused request answers 400 with the reason.
 */
@RestController
@RequestMapping("/api/admin/imports")
@PreAuthorize("hasRole('ADMIN')")
class ImportController {
    private final ImportService imports;

    ImportController(ImportService imports) {
        this.imports = imports;
    }

    @PostMapping("/folder")
    ImportReport folder(@RequestBody FolderRequest request) {
        return imports.importFolder(request.path());
    }

    @PostMapping("/urls")
    ImportReport urls(@RequestBody UrlsRequest request) {
        if (request.urls() == null || request.urls().isEmpty()) {
            throw new ImportRefusedException("Give the URLs to import: {\"urls\": [\"https://…/clip.mp4\"]}.");
        }
        return imports.importUrls(request.urls());
    }

    @ExceptionHandler(ImportRefusedException.class)
    ResponseEntity<ProblemDetail> refused(ImportRefusedException e) {
        return ApiProblems.problemWithError(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** Body of a folder import. */
    record FolderRequest(String path) {}

    /** Body of a URL import. */
    record UrlsRequest(List<String> urls) {}
}
