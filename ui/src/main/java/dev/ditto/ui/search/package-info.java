/** The search view: hybrid search with facets, and bulk decisions on the selected samples. */
@NullMarked
package dev.ditto.ui.search;

import org.jspecify.annotations.NullMarked;
