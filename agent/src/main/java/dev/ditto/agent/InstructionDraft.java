package dev.ditto.agent;

import dev.ditto.protocol.EditSpec;

/**
 * One proposed instruction for a source: its category, the text a curator reads, the edit spec the runner
 * executes, and which engine, model and prompt version wrote it.
 */
public record InstructionDraft(
        String sourceId,
        Category category,
        String instruction,
        EditSpec edit,
        String engine,
        String model,
        String promptVersion) {

    public InstructionDraft {
        instruction = InstructionText.validate(instruction);
    }
}
