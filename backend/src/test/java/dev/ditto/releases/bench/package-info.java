/** The release benchmark: build time and peak heap of a 1M-sample release, and the incremental upload ratio. */
@NullMarked
package dev.ditto.releases.bench;

import org.jspecify.annotations.NullMarked;
