package dev.ditto.agent.diversity;

import dev.ditto.agent.InstructionDraft;
import java.util.List;

/**
 * The instructions chosen for a source with their unit vectors (same order, ready to index), and how many
 * candidates were dropped and why.
 */
public record Selection(
        List<InstructionDraft> chosen,
        List<float[]> vectors,
        int candidates,
        int rejectedInvalid,
        int rejectedNearDuplicateInBatch,
        int rejectedNearDuplicateInCorpus) {

    public Selection {
        chosen = List.copyOf(chosen);
        vectors = List.copyOf(vectors);
    }

    /** The diversity report of the chosen instructions. */
    public DiversityReport report() {
        return DiversityReport.of(chosen, vectors);
    }
}
