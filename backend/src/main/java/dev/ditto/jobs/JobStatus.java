package dev.ditto.jobs;

/** Where a job is in its life: waiting, leased to a runner, done, parked for a person, or dropped. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, PARKED, CANCELLED
}
