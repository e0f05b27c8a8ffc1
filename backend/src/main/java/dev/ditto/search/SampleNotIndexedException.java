package dev.ditto.search;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** A "more like this" asked for a sample the index does not hold (yet): check the id or wait for the indexer. */
@ResponseStatus(HttpStatus.NOT_FOUND)
public class SampleNotIndexedException extends RuntimeException {
    private final long sampleId;

    public SampleNotIndexedException(long sampleId) {
        super("sample " + sampleId + " is not in the search index; check the id, or wait for the indexer to catch up");
        this.sampleId = sampleId;
    }

    public long sampleId() {
        return sampleId;
    }
}
