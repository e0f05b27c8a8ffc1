package dev.ditto.agent;

import java.util.Optional;

/** Finds a source's probed facts by id; the backend implements it over its sources table. */
@FunctionalInterface
public interface SourceFactsLookup {

    /** The facts of a source, or empty when no source has that id. */
    Optional<SourceFacts> find(String sourceId);
}
