/** Video decode, encode and normalisation to the training format (JavaCV / FFmpeg / OpenCV). */
@NullMarked
package dev.ditto.runner.media;

import org.jspecify.annotations.NullMarked;
