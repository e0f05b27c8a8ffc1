/** Figures for the dashboard's overview: counts by stage and status, over time. */
@NullMarked
package dev.ditto.overview;

import org.jspecify.annotations.NullMarked;
