/**
 * Versioned releases: an immutable snapshot of accepted samples, written as a Ditto-1M-style dataset (tar shards
 * of videos, training metadata JSON, DiffSynth-Studio CSV, dataset card, manifest), and published through
 * {@link dev.ditto.releases.ReleasePublisher}s.
 */
@NullMarked
package dev.ditto.releases;

import org.jspecify.annotations.NullMarked;
