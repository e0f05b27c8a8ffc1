package dev.ditto.search;

import java.util.List;

/** Turns text into unit-length sentence vectors of {@link #DIMENSIONS} dimensions (MiniLM by default). */
public interface TextEmbedder {
    /** Dimensions of every vector, as mapped in the index. */
    int DIMENSIONS = 384;

    /** The unit vector of one text. */
    default float[] embed(String text) {
        return embedAll(List.of(text)).getFirst();
    }

    /** Unit vectors of the texts, in order. */
    List<float[]> embedAll(List<String> texts);
}
