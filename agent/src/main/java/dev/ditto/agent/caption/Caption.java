package dev.ditto.agent.caption;

/**
 * A dense caption and who wrote it: {@code engine} (e.g. {@code builtin.caption-from-probe} or
 * {@code langchain4j-openai-compatible}), {@code model} and {@code promptVersion}, recorded with the caption.
 */
public record Caption(String text, String engine, String model, String promptVersion) {

    public Caption {
        if (text.isBlank()) {
            throw new IllegalArgumentException("a caption must not be blank");
        }
    }
}
