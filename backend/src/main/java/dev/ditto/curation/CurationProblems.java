package dev.ditto.curation;

import dev.ditto.search.SearchUnavailableException;
import java.util.NoSuchElementException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Errors of the curation API as RFC 9457 problem details ({@code application/problem+json}) whose {@code detail} says
 * what to fix: 400 a request to correct, 403 a role or a batch that is not the caller's, 404 nothing there, 409 a
 * decision that no longer applies or a count that changed ({@code matches} carries the count now), 503 search down.
 */
@RestControllerAdvice(assignableTypes = {CurationApi.class, TeamReviewApi.class})
class CurationProblems {

    @ExceptionHandler(BatchCountChangedException.class)
    ResponseEntity<ProblemDetail> countChanged(BatchCountChangedException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "The count changed", e.getMessage());
        problem.setProperty("expectedCount", e.expected());
        problem.setProperty("matches", e.matches());
        return answer(problem);
    }

    @ExceptionHandler(ReviewConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ReviewConflictException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "The decision does not apply", e.getMessage());
        problem.setProperty("sampleId", e.sampleId());
        return answer(problem);
    }

    @ExceptionHandler(IllegalStateException.class)
    ResponseEntity<ProblemDetail> state(IllegalStateException e) {
        return answer(problem(HttpStatus.CONFLICT, "Not now", e.getMessage()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> invalid(IllegalArgumentException e) {
        return answer(problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        // the request records validate themselves: their message says what is wrong, Jackson's says where
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException invalid) {
                return invalid(invalid);
            }
        }
        return answer(problem(HttpStatus.BAD_REQUEST, "Invalid request", "The body is not JSON of the expected shape: "
                + (e.getMostSpecificCause().getMessage() == null ? e.getMessage() : e.getMostSpecificCause().getMessage())));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> mistyped(MethodArgumentTypeMismatchException e) {
        return answer(problem(HttpStatus.BAD_REQUEST, "Invalid request", "The parameter '" + e.getName()
                + "' must be a whole number, not '" + e.getValue() + "'."));
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<ProblemDetail> missing(NoSuchElementException e) {
        return answer(problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage()));
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ProblemDetail> denied(AccessDeniedException e) {
        String message = String.valueOf(e.getMessage()).replaceAll("\\.?$", ".");
        return answer(problem(HttpStatus.FORBIDDEN, "Forbidden", message.contains("is not a lead") ? message
                + " An admin marks a lead with PUT /api/curation/leads/{username}."
                : message + " Deciding needs the CURATOR or ADMIN role; reading needs VIEWER or above."));
    }

    @ExceptionHandler(SearchUnavailableException.class)
    ResponseEntity<ProblemDetail> searchDown(SearchUnavailableException e) {
        return answer(problem(HttpStatus.SERVICE_UNAVAILABLE, "Search is unavailable", e.getMessage()));
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
