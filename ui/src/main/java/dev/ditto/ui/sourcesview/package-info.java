/**
 * The sources view: browser upload (streamed, one result per file), the gallery with probe scores and filters,
 * near-duplicate groups, and starting a campaign from the selection.
 */
@NullMarked
package dev.ditto.ui.sourcesview;

import org.jspecify.annotations.NullMarked;
