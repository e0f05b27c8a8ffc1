package dev.ditto.samples;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** REST for single samples: {@code POST /api/samples/{id}/regenerate} (curators and admins). */
@RestController
@RequestMapping("/api/samples")
class SampleController {
    private final SampleRegeneration regeneration;

    SampleController(SampleRegeneration regeneration) {
        this.regeneration = regeneration;
    }

    @PostMapping("/{id}/regenerate")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    ResponseEntity<SampleRegeneration.Regenerated> regenerate(@PathVariable long id) {
        SampleRegeneration.Regenerated r = regeneration.regenerate(id);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(r);
    }

    @ExceptionHandler(SampleRegeneration.SampleNotFoundException.class)
    ProblemDetail notFound(SampleRegeneration.SampleNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Unknown sample", e.getMessage());
    }

    @ExceptionHandler(SampleRegeneration.NotRegenerableException.class)
    ProblemDetail conflict(SampleRegeneration.NotRegenerableException e) {
        return problem(HttpStatus.CONFLICT, "Sample cannot be regenerated", e.getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        p.setType(URI.create("about:blank"));
        return p;
    }
}
