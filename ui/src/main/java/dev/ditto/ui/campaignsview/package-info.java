/**
 * Campaigns: the list, and a campaign's page with live progress, its instructions, diversity figures, a 2-D map
 * of the instruction embeddings and the compute it cost, by stage and category.
 */
@NullMarked
package dev.ditto.ui.campaignsview;

import org.jspecify.annotations.NullMarked;
