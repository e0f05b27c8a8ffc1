/**
 * GPU runners: their bearer tokens (hashed at rest, created and revoked by admins), the security that checks
 * them, and the HTTP runner protocol (register, claim, heartbeat, upload, complete, fail, input blobs).
 */
@NullMarked
package dev.ditto.runners;

import org.jspecify.annotations.NullMarked;
