/** Benchmark harnesses run by {@code ./ditto bench <name>}; they time real work and write bench-results JSON. */
@NullMarked
package dev.ditto.runner.bench;

import org.jspecify.annotations.NullMarked;
