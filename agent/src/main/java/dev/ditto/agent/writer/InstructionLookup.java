package dev.ditto.agent.writer;

import java.util.List;

/** Finds instructions already in the corpus that read like a given text; backs the LLM writer's tool. */
@FunctionalInterface
public interface InstructionLookup {

    /** Up to {@code k} stored instruction texts most similar to {@code text}, most similar first. */
    List<String> similarInstructions(String text, int k);

    /** A lookup over an empty corpus. */
    static InstructionLookup none() {
        return (text, k) -> List.of();
    }
}
