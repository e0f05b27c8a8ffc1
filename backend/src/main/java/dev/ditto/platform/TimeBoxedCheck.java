package dev.ditto.platform;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A health check that answers within {@code limit} of its start whatever its subject does: the check runs on a
 * thread of its own, and a caller waits for it until {@code limit} after it started, then gets {@code late} ("no
 * answer within …"). A check that hangs is not started again while it hangs: later callers get its late answer at
 * once, so a hung dependency never piles up threads. Checks of one {@link Round} start together, so a health answer
 * that asks several of them waits at most one {@code limit}, not one each.
 */
final class TimeBoxedCheck implements HealthIndicator {
    private final Supplier<Health> check;
    private final Duration limit;
    private final Function<String, Health> late;
    private final Executor executor;
    private final Round round;
    private final AtomicReference<Run> inFlight = new AtomicReference<>();

    private record Run(CompletableFuture<Health> result, long startedNanos) {}

    /** Checks that start together when any of them is asked. */
    static final class Round {
        private volatile List<TimeBoxedCheck> checks = List.of();

        void add(TimeBoxedCheck check) {
            checks = java.util.stream.Stream.concat(checks.stream(), java.util.stream.Stream.of(check)).toList();
        }

        void start() {
            checks.forEach(TimeBoxedCheck::run);
        }
    }

    TimeBoxedCheck(Supplier<Health> check, Duration limit, Function<String, Health> late, Executor executor, Round round) {
        this.check = check;
        this.limit = limit;
        this.late = late;
        this.executor = executor;
        this.round = round;
        round.add(this);
    }

    /** The check in flight, or a new one when none is. */
    private Run run() {
        return inFlight.updateAndGet(current -> current != null && !current.result().isDone()
                ? current : new Run(CompletableFuture.supplyAsync(check, executor), System.nanoTime()));
    }

    @Override
    public Health health() {
        round.start();
        Run running = run();
        long leftNanos = running.startedNanos() + limit.toNanos() - System.nanoTime();
        try {
            return running.result().get(Math.max(0, leftNanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return late.apply("no answer within " + limit.toMillis() + " ms");
        } catch (ExecutionException e) {
            return late.apply(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return late.apply("interrupted");
        }
    }
}
