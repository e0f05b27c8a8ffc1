/** The overview: the pipeline's state at a glance. */
@NullMarked
package dev.ditto.ui.overview;

import org.jspecify.annotations.NullMarked;
