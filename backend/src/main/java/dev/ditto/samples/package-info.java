/** Samples: the edited video a runner produced for (clip, instruction), and the judge's verdict on it. */
@NullMarked
package dev.ditto.samples;

import org.jspecify.annotations.NullMarked;
