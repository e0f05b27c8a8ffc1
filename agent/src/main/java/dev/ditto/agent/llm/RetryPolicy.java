package dev.ditto.agent.llm;

import dev.ditto.agent.AgentException;
import java.time.Duration;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry budget of one model call: at most {@code maxAttempts} attempts, a pause between them, and no new
 * attempt once {@code totalBudget} has passed. When it runs out the item fails with an {@link AgentException}.
 */
public record RetryPolicy(int maxAttempts, Duration pause, Duration totalBudget) {

    private static final Logger log = LoggerFactory.getLogger(RetryPolicy.class);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
    }

    /** Three attempts, half a second apart, within five minutes. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofMillis(500), Duration.ofMinutes(5));
    }

    /**
     * Runs {@code attempt} (given the 1-based attempt number) until it returns; any runtime failure (transport,
     * timeout, unparsable or invalid output) uses one attempt.
     *
     * @throws AgentException with the item id and the last failure once the budget is spent
     */
    public <T> T run(String itemId, String what, IntFunction<T> attempt) {
        long deadline = System.nanoTime() + totalBudget.toNanos();
        RuntimeException last = null;
        int made = 0;
        for (int i = 1; i <= maxAttempts; i++) {
            if (i > 1 && System.nanoTime() > deadline) {
                break;
            }
            made = i;
            try {
                return attempt.apply(i);
            } catch (AgentException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
                log.warn("{} for {} failed (attempt {}/{}): {}", what, itemId, i, maxAttempts, String.valueOf(e));
                if (i < maxAttempts && !pause.isZero()) {
                    try {
                        Thread.sleep(pause.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new AgentException(itemId, what + " was interrupted", interrupted);
                    }
                }
            }
        }
        throw new AgentException(itemId, what + " failed after " + made + " attempt(s): "
                + (last == null ? "budget spent" : describe(last))
                + "; check the model server and its output, then retry this item", last);
    }

    private static String describe(Throwable e) {
        return ProviderErrors.describe(e);
    }
}
