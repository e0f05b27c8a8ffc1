package dev.ditto.runners;

import dev.ditto.blobs.BlobStore;
import dev.ditto.jobs.InvalidResultException;
import dev.ditto.jobs.JobNotFoundException;
import dev.ditto.jobs.LeaseLostException;
import dev.ditto.platform.DatabaseFaults;
import dev.ditto.platform.DatabaseUnavailableAnswers;
import dev.ditto.protocol.ProtocolError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Every refusal of the runner protocol as a {@link ProtocolError} that says what happened and what to do. */
@RestControllerAdvice(assignableTypes = RunnerProtocolController.class)
class RunnerProtocolAdvice {
    private static final Logger log = LoggerFactory.getLogger(RunnerProtocolAdvice.class);
    private final DatabaseUnavailableAnswers outage;

    RunnerProtocolAdvice(DatabaseUnavailableAnswers outage) {
        this.outage = outage;
    }

    @ExceptionHandler(RunnerRequestException.class)
    ResponseEntity<ProtocolError> refused(RunnerRequestException e) {
        return error(e.status(), e.error(), e.getMessage());
    }

    @ExceptionHandler(LeaseLostException.class)
    ResponseEntity<ProtocolError> leaseLost(LeaseLostException e) {
        return error(HttpStatus.CONFLICT, "lease_lost", e.getMessage());
    }

    @ExceptionHandler(JobNotFoundException.class)
    ResponseEntity<ProtocolError> jobNotFound(JobNotFoundException e) {
        return error(HttpStatus.NOT_FOUND, "job_not_found", e.getMessage());
    }

    @ExceptionHandler(InvalidResultException.class)
    ResponseEntity<ProtocolError> invalidResult(InvalidResultException e) {
        return error(HttpStatus.UNPROCESSABLE_CONTENT, "invalid_result",
                e.getMessage() + " Report the job as failed (POST …/fail) if the result cannot be fixed.");
    }

    @ExceptionHandler(BlobStore.BlobTooLargeException.class)
    ResponseEntity<ProtocolError> tooLarge(BlobStore.BlobTooLargeException e) {
        return error(HttpStatus.CONTENT_TOO_LARGE, "artifact_too_large",
                "The artefact was refused: " + e.getMessage() + " (ditto.runner.max-artifact-mb). Nothing was stored.");
    }

    @ExceptionHandler(BlobStore.BlobChecksumMismatchException.class)
    ResponseEntity<ProtocolError> checksum(BlobStore.BlobChecksumMismatchException e) {
        return error(HttpStatus.UNPROCESSABLE_CONTENT, "checksum_mismatch",
                "The artefact was refused: " + e.getMessage() + ". The transfer was damaged; nothing was stored, upload it again.");
    }

    @ExceptionHandler(BlobStore.BlobSizeMismatchException.class)
    ResponseEntity<ProtocolError> sizeMismatch(BlobStore.BlobSizeMismatchException e) {
        return error(HttpStatus.UNPROCESSABLE_CONTENT, "size_mismatch",
                "The artefact was refused: " + e.getMessage() + ". The transfer was cut short or altered; nothing was stored, upload it again.");
    }

    /** The blob store's disk is full: no fault of the job, so the runner keeps it and uploads again later. */
    @ExceptionHandler(BlobStore.InsufficientStorageException.class)
    ResponseEntity<ProtocolError> insufficientStorage(BlobStore.InsufficientStorageException e) {
        log.warn("Runner artefact refused, 507: {}", e.getMessage());
        return error(HttpStatus.INSUFFICIENT_STORAGE, "insufficient_storage", "The artefact was refused: " + e.getMessage()
                + ". Nothing was stored. This is no fault of the job: keep it and upload again later, or hand it back.");
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, MissingServletRequestParameterException.class,
            MissingRequestHeaderException.class, MethodArgumentTypeMismatchException.class, IllegalArgumentException.class})
    ResponseEntity<ProtocolError> badRequest(Exception e) {
        return error(HttpStatus.BAD_REQUEST, "bad_request", "The request could not be read: " + e.getMessage());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProtocolError> unsupportedType(HttpMediaTypeNotSupportedException e) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "Send the body as application/json, not " + e.getContentType() + ".");
    }

    /**
     * The runner hung up before its answer was written (its own time-out ran out first): nothing can reach it, and it
     * is no server fault. Logged as an error with its stack, 5,000 runners timing out together wrote 9,075 of them
     * (191 MB) while the server was already struggling (./ditto bench scale).
     */
    @ExceptionHandler(org.springframework.web.context.request.async.AsyncRequestNotUsableException.class)
    void hungUp(org.springframework.web.context.request.async.AsyncRequestNotUsableException e) {
        log.debug("A runner hung up before its answer was written ({})", e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProtocolError> unexpected(Exception e) {
        if (DatabaseFaults.isUnavailable(e)) {
            log.warn("Runner request answered 503: the database is unavailable ({})", e.getMessage());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(outage.retryAfterSeconds()))
                    .body(outage.protocolError());
        }
        log.error("Runner request failed", e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error",
                "The server failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + ". Retry later; the server log has the details.");
    }

    private static ResponseEntity<ProtocolError> error(HttpStatus status, String code, String message) {
        return ResponseEntity.status(status).body(new ProtocolError(status.value(), code, message));
    }
}
