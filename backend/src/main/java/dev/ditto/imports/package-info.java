/**
 * Bulk ingest for admins: every video under a folder inside the configured roots, and a list of http(s) URLs
 * fetched with guards (public addresses only, checked after DNS and pinned for the connection; size cut-off
 * while streaming; timeouts). Each item goes through {@code SourceService.ingest} and gets its own result.
 */
@NullMarked
package dev.ditto.imports;

import org.jspecify.annotations.NullMarked;
