/** The search benchmark harness ({@code ./ditto bench search}); not a test. */
@NullMarked
package dev.ditto.search.bench;

import org.jspecify.annotations.NullMarked;
