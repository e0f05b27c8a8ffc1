/**
 * The job queue in PostgreSQL: enqueue, claim with leases ({@code FOR UPDATE SKIP LOCKED}), heartbeats,
 * completion idempotent per attempt, retries with backoff, parking, the lease reaper and queue statistics.
 */
@NullMarked
package dev.ditto.jobs;

import org.jspecify.annotations.NullMarked;
