package dev.ditto.agent.writer;

import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.SourceFacts;
import java.util.List;

/** Proposes instructions for one source across the taxonomy; implementations are the grammar and the LLM writer. */
public interface InstructionWriter {

    /**
     * Writes up to {@code count} instructions for the source, spread over the categories the source allows in
     * proportion to {@code mix}. Deterministic for a given seed where the engine allows it.
     *
     * @throws dev.ditto.agent.AgentException when the engine cannot produce any valid instruction for this source
     */
    List<InstructionDraft> write(SourceFacts source, CategoryMix mix, int count, long seed);

    /** The engine label recorded on every draft, e.g. {@code builtin-grammar}. */
    String engine();
}
