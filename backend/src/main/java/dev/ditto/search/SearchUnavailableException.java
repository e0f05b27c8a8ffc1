package dev.ditto.search;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * Elasticsearch could not answer a search: unreachable, too slow (past {@code ditto.search.request-timeout}) or
 * failing. Nothing is lost: PostgreSQL holds every sample and decision, and the indexer catches up when it is back.
 */
@ResponseStatus(HttpStatus.SERVICE_UNAVAILABLE)
public class SearchUnavailableException extends RuntimeException {

    public SearchUnavailableException(String why, Throwable cause) {
        super("Search is unavailable: " + why + ". Samples and decisions are safe in PostgreSQL; search works again "
                + "as soon as Elasticsearch is back.", cause);
    }

    /** The exception for an I/O failure talking to Elasticsearch, its reason in words a curator can act on. */
    public static SearchUnavailableException of(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return new SearchUnavailableException(
                        "Elasticsearch did not answer in time (ditto.search.request-timeout)", failure);
            }
            if (t instanceof ConnectException) {
                return new SearchUnavailableException("Elasticsearch is unreachable (" + t.getMessage() + ")", failure);
            }
        }
        if (failure instanceof ElasticsearchException e) {
            return new SearchUnavailableException("Elasticsearch answered " + e.status() + " (" + e.getMessage() + ")", failure);
        }
        return new SearchUnavailableException("Elasticsearch failed (" + failure + ")", failure);
    }

    /** Whether an error answer from Elasticsearch means it cannot serve now (overloaded, shards not ready). */
    public static boolean isUnavailable(ElasticsearchException e) {
        return e.status() >= 500 || e.status() == 429;
    }
}
