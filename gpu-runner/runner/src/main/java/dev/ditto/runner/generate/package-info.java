/**
 * The built-in GENERATE engine: classical key-frame edits, optical-flow propagation with occlusion handling,
 * flow-guided temporal smoothing, encoding and quality metrics, as plug-in {@link dev.ditto.runner.generate.Stage}s.
 */
@NullMarked
package dev.ditto.runner.generate;

import org.jspecify.annotations.NullMarked;
