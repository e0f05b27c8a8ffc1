package dev.ditto.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The last word on API errors, after each controller's own handlers: a parameter out of range is a 400 problem
 * detail (never a 500 with a stack trace in the log), and a path under {@code /api/} or
 * {@code /actuator/} that nothing serves is a 404 problem detail. Without that fallback the dashboard (mapped at
 * {@code /**}) answered such paths with its HTML page, 200, and a fresh session cookie.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ApiProblems {

    @ExceptionHandler(BadParameterException.class)
    ResponseEntity<ProblemDetail> badParameter(BadParameterException e) {
        return problem(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** A required query parameter left out is a 400 problem detail naming it. */
    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e, HttpServletRequest request) {
        return problem(HttpStatus.BAD_REQUEST, request.getMethod() + " " + request.getRequestURI() + " needs the query parameter '"
                + e.getParameterName() + "'.");
    }

    /**
     * A body of a type the endpoint does not take (a form, {@code text/plain}) is a 415 problem detail that says which
     * types it does take: a page on another site can only send those three without the browser asking first.
     */
    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> unsupportedType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        List<String> supported = e.getSupportedMediaTypes().isEmpty() ? List.of(MediaType.APPLICATION_JSON_VALUE)
                : e.getSupportedMediaTypes().stream().map(MediaType::toString).toList();
        String given = e.getContentType() == null ? "a body without Content-Type" : e.getContentType().toString();
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).headers(e.getHeaders())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, request.getMethod() + " "
                        + request.getRequestURI() + " takes " + String.join(" or ", supported) + ", not " + given
                        + "; send 'Content-Type: " + supported.getFirst() + "'."));
    }

    public static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemDetail.forStatusAndDetail(status, detail));
    }

    /**
     * A problem detail that also carries its detail as {@code error}: the shape these endpoints answered before they
     * answered problem details, kept so that scripts reading {@code error} go on working.
     */
    public static ResponseEntity<ProblemDetail> problemWithError(HttpStatus status, @Nullable String detail) {
        ResponseEntity<ProblemDetail> answer = problem(status, String.valueOf(detail));
        java.util.Objects.requireNonNull(answer.getBody()).setProperty("error", String.valueOf(detail));
        return answer;
    }

    /**
     * Every {@code /api/**} and {@code /actuator/**} path no other handler serves: the most general mapping loses to
     * all. A path another handler serves with other methods is a 405 with {@code Allow} (the catch-all would otherwise
     * win over Spring's own method check and turn it into a 404).
     */
    @RestController
    static class UnknownPaths {
        private final org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping mappings;

        UnknownPaths(@org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
                     org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping mappings) {
            this.mappings = mappings;
        }

        @RequestMapping({"/api/**", "/actuator/**"})
        ResponseEntity<ProblemDetail> unknown(HttpServletRequest request) {
            java.util.Set<String> allowed = new java.util.TreeSet<>();
            mappings.getHandlerMethods().forEach((info, method) -> {
                if (method.getBeanType() == UnknownPaths.class || info.getPathPatternsCondition() == null
                        || info.getPathPatternsCondition().getMatchingCondition(request) == null) {
                    return;
                }
                info.getMethodsCondition().getMethods().forEach(m -> allowed.add(m.name()));
            });
            if (!allowed.isEmpty()) {
                return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).header("Allow", String.join(", ", allowed))
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(ProblemDetail.forStatusAndDetail(HttpStatus.METHOD_NOT_ALLOWED, request.getMethod() + " "
                                + request.getRequestURI() + " is not supported; use " + String.join(" or ", allowed) + "."));
            }
            return problem(HttpStatus.NOT_FOUND, "No such endpoint: " + request.getMethod() + " " + request.getRequestURI() + ".");
        }
    }
}
