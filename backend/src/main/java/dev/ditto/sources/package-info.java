/**
 * Source videos: ingest (upload, folder, URL, demo corpus) into the blob store, a PROBE job for each, and the
 * clips, key frames and scores the probe produces.
 */
@NullMarked
package dev.ditto.sources;

import org.jspecify.annotations.NullMarked;
