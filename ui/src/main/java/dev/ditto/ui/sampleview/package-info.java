/** The page of one sample: both videos, the judge, the runner's metrics, per-stage provenance, and Regenerate. */
@NullMarked
package dev.ditto.ui.sampleview;

import org.jspecify.annotations.NullMarked;
