/**
 * CLIP scores of a generated video: CLIP-T (frame–instruction similarity) and CLIP-F (consecutive-frame
 * similarity), from a CLIP model in ONNX run through DJL on ONNX Runtime, with CLIP's own BPE tokenizer.
 */
@NullMarked
package dev.ditto.runner.clip;

import org.jspecify.annotations.NullMarked;
