package dev.ditto.protocol;

import java.util.Map;

/**
 * An executable edit: the operator the built-in engine (or a model server) runs for an instruction.
 *
 * <p>{@code op} names one entry of {@link EditOps}; {@code params} are its parameters (numbers or strings);
 * {@code seed} makes stochastic operators repeatable; {@code prompt} is the natural-language instruction,
 * which model-server engines use directly.
 */
public record EditSpec(String op, Map<String, Object> params, long seed, String prompt) {
    public EditSpec {
        params = Map.copyOf(params);
    }
}
