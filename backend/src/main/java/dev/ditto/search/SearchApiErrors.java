package dev.ditto.search;

import dev.ditto.web.ApiProblems;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The search API's errors as RFC 9457 problem details (the message also as {@code error}, the shape they had before) with the status that says what to do: 400 for a request to
 * fix (an empty score range, a cursor from another server), 404 for a "more like this" of a sample not indexed,
 * 409 while a reindex runs, 503 while Elasticsearch cannot answer.
 */
@RestControllerAdvice(assignableTypes = SearchController.class)
class SearchApiErrors {

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> invalid(IllegalArgumentException e) {
        return answer(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        // the request records validate themselves: their message says what is wrong, Jackson's says where
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException invalid) {
                return answer(HttpStatus.BAD_REQUEST, invalid.getMessage());
            }
        }
        return answer(HttpStatus.BAD_REQUEST, "The search request is not valid JSON of the expected shape: "
                + (e.getMostSpecificCause().getMessage() == null ? e.getMessage() : e.getMostSpecificCause().getMessage()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> mistyped(MethodArgumentTypeMismatchException e) {
        Class<?> type = e.getRequiredType();
        String expected = type == null ? "another value"
                : type.isEnum() ? "one of " + java.util.Arrays.toString(type.getEnumConstants())
                : type == Integer.class || type == Long.class || type == int.class || type == long.class ? "a whole number"
                : type == Double.class || type == double.class ? "a number"
                : type == Boolean.class || type == boolean.class ? "true or false"
                : "a " + type.getSimpleName();
        return answer(HttpStatus.BAD_REQUEST, "The parameter '" + e.getName() + "' must be " + expected + ", not '" + e.getValue() + "'");
    }

    @ExceptionHandler(SampleNotIndexedException.class)
    ResponseEntity<ProblemDetail> notIndexed(SampleNotIndexedException e) {
        return answer(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(ReindexInProgressException.class)
    ResponseEntity<ProblemDetail> reindexing(ReindexInProgressException e) {
        return answer(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(SearchUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(SearchUnavailableException e) {
        return answer(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }

    private static ResponseEntity<ProblemDetail> answer(HttpStatus status, @Nullable String message) {
        return ApiProblems.problemWithError(status, message);
    }
}
