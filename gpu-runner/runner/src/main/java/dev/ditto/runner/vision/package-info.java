/** Classical and small-model vision: person segmentation, dense optical flow, edge maps and image similarity. */
@NullMarked
package dev.ditto.runner.vision;

import org.jspecify.annotations.NullMarked;
