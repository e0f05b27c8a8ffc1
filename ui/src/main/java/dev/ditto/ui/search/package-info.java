/** The search view: hybrid search with facets, score ranges and "more like this", and bulk decisions and tags on the selected samples. */
@NullMarked
package dev.ditto.ui.search;

import org.jspecify.annotations.NullMarked;
