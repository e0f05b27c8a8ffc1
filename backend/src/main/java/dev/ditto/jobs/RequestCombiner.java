package dev.ditto.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Turns concurrent requests of one kind into batches: each caller queues its request; whoever finds a free lane
 * takes up to {@code maxBatch} queued requests (its own among them or not) and runs them as one call, then hands
 * every caller its own outcome. With {@code lanes} batches in flight at most, requests that arrive while the
 * database is busy wait for the next batch instead of each taking a connection, a statement and a commit: group
 * commit done by the application, the way PostgreSQL's WAL writer does it for concurrent commits.
 *
 * <p>A caller returns only once its batch call has returned, so an outcome is never handed out before the
 * batch's transaction committed.
 */
final class RequestCombiner<Q, A> {
    /** What a batch call gives one request back: a value, or the exception its caller should see. */
    record Outcome<A>(@Nullable A value, @Nullable RuntimeException error) {
        static <A> Outcome<A> of(A value) {
            return new Outcome<>(value, null);
        }

        static <A> Outcome<A> failed(RuntimeException error) {
            return new Outcome<>(null, error);
        }
    }

    private static final class Pending<Q, A> {
        final Q request;
        final Thread caller = Thread.currentThread();
        volatile @Nullable Outcome<A> outcome;

        Pending(Q request) {
            this.request = request;
        }
    }

    /** Longest a waiting caller sleeps before it looks for a free lane itself (wake-ups normally come sooner). */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ConcurrentLinkedQueue<Pending<Q, A>> queued = new ConcurrentLinkedQueue<>();
    private final Semaphore lanes;
    private final int maxBatch;
    private final Function<List<Q>, List<Outcome<A>>> batchCall;

    /** {@code batchCall} answers one outcome per request, in the order of the requests. */
    RequestCombiner(int lanes, int maxBatch, Function<List<Q>, List<Outcome<A>>> batchCall) {
        this.lanes = new Semaphore(lanes);
        this.maxBatch = maxBatch;
        this.batchCall = batchCall;
    }

    /** Runs {@code request} in the next batch and returns its outcome (or throws its exception). */
    A submit(Q request) {
        Pending<Q, A> mine = new Pending<>(request);
        queued.add(mine);
        while (mine.outcome == null) {
            if (lanes.tryAcquire()) {
                boolean ran;
                try {
                    ran = runBatch();
                } finally {
                    lanes.release();
                }
                wakeNext();
                if (!ran && mine.outcome == null) {
                    // Our request is in a batch another caller runs: wait for its outcome, never spin. A spinning
                    // virtual thread keeps its carrier; with as many spinners as carriers (2 on a 2-core server)
                    // the virtual-thread I/O poller never runs, the batch's own database read never completes and
                    // every claim hangs (found by ./ditto bench scale with 50 long-polling runners).
                    LockSupport.parkNanos(this, RECHECK_NANOS);
                }
            } else {
                LockSupport.parkNanos(this, RECHECK_NANOS);
            }
        }
        Outcome<A> outcome = mine.outcome;
        if (outcome.error() != null) {
            throw outcome.error();
        }
        return java.util.Objects.requireNonNull(outcome.value());
    }

    /** Runs the queued requests (up to {@code maxBatch}) as one call; false when none was queued. */
    private boolean runBatch() {
        List<Pending<Q, A>> batch = new ArrayList<>();
        Pending<Q, A> next;
        while (batch.size() < maxBatch && (next = queued.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return false;
        }
        List<Outcome<A>> outcomes;
        try {
            outcomes = batchCall.apply(batch.stream().map(p -> p.request).toList());
            if (outcomes.size() != batch.size()) {
                throw new IllegalStateException("a batch of " + batch.size() + " requests answered " + outcomes.size());
            }
        } catch (RuntimeException e) {
            outcomes = batch.stream().map(p -> Outcome.<A>failed(e)).toList();
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending<Q, A> p = batch.get(i);
            p.outcome = outcomes.get(i);
            if (p.caller != Thread.currentThread()) {
                LockSupport.unpark(p.caller);
            }
        }
        return true;
    }

    /** A lane came free: the oldest waiting caller takes it, so no request waits for its recheck. */
    private void wakeNext() {
        Pending<Q, A> head = queued.peek();
        if (head != null) {
            LockSupport.unpark(head.caller);
        }
    }
}
