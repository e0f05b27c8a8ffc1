/** Benchmarks of the job queue, run by {@code ./ditto bench queue}; they measure, tests assert. */
@NullMarked
package dev.ditto.jobs.bench;

import org.jspecify.annotations.NullMarked;
