package dev.ditto.search;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** A reindex is already running (here or on another server replica): wait for it to finish, then check the status. */
@ResponseStatus(HttpStatus.CONFLICT)
public class ReindexInProgressException extends RuntimeException {
    public ReindexInProgressException() {
        super("a search reindex is already running; wait for it to finish (GET /api/admin/search/status shows the live index)");
    }
}
