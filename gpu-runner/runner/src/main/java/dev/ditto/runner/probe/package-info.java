/** The PROBE job: inspect a source video, cut it into training-format clips and score them. */
@NullMarked
package dev.ditto.runner.probe;

import org.jspecify.annotations.NullMarked;
