/**
 * Publishing releases to the Hugging Face Hub over its HTTP API (repo creation, preupload, Git LFS batch with
 * {@code basic} and {@code multipart} transfers, NDJSON commits, tags), resumable and incremental.
 */
@NullMarked
package dev.ditto.hub;

import org.jspecify.annotations.NullMarked;
