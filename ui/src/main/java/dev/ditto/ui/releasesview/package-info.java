/**
 * Releases: the list of dataset releases, building a new one, and a release's page with its diff from the previous
 * version, its dataset card and manifest, and publishing it to the Hub or a folder with live progress.
 */
@NullMarked
package dev.ditto.ui.releasesview;

import org.jspecify.annotations.NullMarked;
