/** Curation: the review queue with short leases, curators' decisions and their undo, and agreement figures. */
@NullMarked
package dev.ditto.curation;

import org.jspecify.annotations.NullMarked;
